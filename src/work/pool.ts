/** The prepare pool: per-message CPU work on piscina threads, in batches, off the I/O thread. */
import { Piscina } from 'piscina';
import pino, { type Logger } from 'pino';
import type { Config } from '../config/types.js';
import type { Prepared, RawJob } from '../types.js';
import type { PrepareTask } from './prepare.js';

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
  private readonly log: Logger;
  private readonly now: () => number;
  private closing: Promise<void> | undefined;

  constructor(cfg: Config, opts: PreparePoolOptions = {}) {
    this.threads = opts.threads;
    this.log = opts.logger ?? pino({ level: 'silent' });
    this.now = opts.now ?? Date.now;
    this.batchSize = Math.max(1, cfg.pool.batchSize);
    this.piscina = this.start(cfg);
  }

  private start(cfg: Config): Piscina<PrepareTask, Prepared[]> {
    const threads = Math.max(1, this.threads ?? cfg.pool.threads);
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

  /** Swaps in a pool built from `cfg`; the old one finishes its queued batches, then stops. */
  async reconfigure(cfg: Config): Promise<void> {
    if (this.status !== 'open') throw new Error('prepare pool is closed');
    const old = this.piscina;
    this.piscina = this.start(cfg);
    this.batchSize = Math.max(1, cfg.pool.batchSize);
    this.log.info({ threads: this.piscina.options.maxThreads }, 'prepare pool reconfigured');
    await old.close();
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
