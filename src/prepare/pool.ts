/** The prepare pool: per-message CPU work on piscina threads, in batches, off the I/O thread. */
import { Piscina } from 'piscina';
import pino, { type Logger } from 'pino';
import type { Config } from '../config/types.js';
import type { Prepared, RawJob } from '../types.js';
import type { PrepareTask } from './prepare.js';
import { prepareKey } from './prepare-context.js';

type PoolStatus = 'open' | 'closing' | 'closed';

// Under tsx/tap the module is .ts and worker threads inherit the TS loader through execArgv.
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);

export interface PreparePoolOptions {
  threads?: number;
  logger?: Logger;
  /** The clock prepare decides send times by (quiet hours, cap periods); App passes its offset clock. */
  now?: () => number;
}

export class PreparePool {
  private status: PoolStatus = 'open';
  private piscina: Piscina<PrepareTask, Prepared[]>;
  private batchSize: number;
  private readonly threads: number | undefined;
  /** The threads running and the config they were given (prepareKey): what a reconfigure compares. */
  private running: { threads: number; key: string };
  private readonly log: Logger;
  private readonly now: () => number;
  private closing: Promise<void> | undefined;

  constructor(cfg: Config, opts: PreparePoolOptions = {}) {
    this.threads = opts.threads;
    this.log = opts.logger ?? pino({ level: 'silent' });
    this.now = opts.now ?? Date.now;
    this.batchSize = Math.max(1, cfg.pool.batchSize);
    this.running = { threads: this.threadsFor(cfg), key: prepareKey(cfg) };
    this.piscina = this.start(cfg);
  }

  private threadsFor(cfg: Config): number { return Math.max(1, this.threads ?? cfg.pool.threads); }

  private start(cfg: Config): Piscina<PrepareTask, Prepared[]> {
    const threads = this.threadsFor(cfg);
    return new Piscina<PrepareTask, Prepared[]>({
      filename: WORKER_URL.href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData: { config: cfg },
    });
  }

  private setStatus(to: PoolStatus): void {
    this.log.info({ from: this.status, to }, `prepare pool ${this.status} -> ${to}`);
    this.status = to;
  }

  /** Prepares `raws` in order; large inputs are cut into batches so every thread gets work. */
  async prepare(raws: RawJob[], overrides?: Record<string, string>): Promise<Prepared[]> {
    if (this.status !== 'open') throw new Error('prepare pool is closed');
    if (raws.length === 0) return [];
    const now = this.now();
    const pool = this.piscina;
    if (raws.length <= this.batchSize) return pool.run(task(raws, now, overrides));
    const runs: Promise<Prepared[]>[] = [];
    for (let i = 0; i < raws.length; i += this.batchSize) {
      runs.push(pool.run(task(raws.slice(i, i + this.batchSize), now, overrides)));
    }
    return (await Promise.all(runs)).flat();
  }

  /** Share of thread time spent working since start, 0..1 (piscina's own measure). */
  utilization(): number {
    return this.piscina.utilization;
  }

  /**
   * Applies `cfg`: batchSize at once; when the thread count or what the threads prepare with changed
   * (they get the config once, at their start), swaps in new threads, and the old ones finish their
   * queued batches, then stop. Returns whether the threads were replaced.
   */
  async reconfigure(cfg: Config): Promise<boolean> {
    if (this.status !== 'open') throw new Error('prepare pool is closed');
    this.batchSize = Math.max(1, cfg.pool.batchSize);
    const next = { threads: this.threadsFor(cfg), key: prepareKey(cfg) };
    if (next.threads === this.running.threads && next.key === this.running.key) return false;
    const old = this.piscina;
    this.piscina = this.start(cfg);
    this.log.info({ from: this.running.threads, to: next.threads }, 'prepare pool reconfigured: new threads');
    this.running = next;
    await old.close();
    return true;
  }

  /** Lets queued batches finish, then stops the threads. Safe to call more than once. */
  close(): Promise<void> {
    if (this.closing === undefined) {
      this.setStatus('closing');
      this.closing = this.piscina.close().then(() => this.setStatus('closed'));
    }
    return this.closing;
  }
}

function task(raws: RawJob[], now: number, overrides?: Record<string, string>): PrepareTask {
  return overrides === undefined ? { raws, now } : { raws, now, overrides };
}
