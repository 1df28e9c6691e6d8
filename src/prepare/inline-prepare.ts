/**
 * Prepare on the I/O thread (`pool.threads: 0`). Measured on 2 cores
 * (docs/BENCHMARKS-HISTORY.md, "First round", change 1): handing a
 * batch to a piscina thread costs the I/O thread about as much as preparing it (structured clone of the
 * raw jobs out, results back, the garbage of both), and the worker's CPU comes on top; inline, a job
 * costs 3–7 µs once. Same contract as PreparePool: results in order, a job that throws is rejected alone.
 */
import type { Config } from '../config/types.js';
import type { Prepared, RawJob } from '../types.js';
import { buildPrepareContext, prepareOne, type PrepareContext } from './prepare.js';

type InlineStatus = 'open' | 'closed';

export class InlinePreparer {
  private status: InlineStatus = 'open';
  private ctx: PrepareContext;
  private busyMs = 0;
  private readonly startedAt = performance.now();

  constructor(cfg: Config, private readonly now: () => number = Date.now) {
    this.ctx = buildPrepareContext(cfg);
  }

  async prepare(raws: RawJob[], overrides?: Record<string, string>): Promise<Prepared[]> {
    if (this.status !== 'open') throw new Error('prepare pool is closed');
    const t0 = performance.now();
    const task = overrides === undefined ? { raws, now: this.now() } : { raws, now: this.now(), overrides };
    const out: Prepared[] = new Array(raws.length);
    for (let i = 0; i < raws.length; i++) out[i] = prepareOne(raws[i]!, this.ctx, task);
    this.busyMs += performance.now() - t0;
    return out;
  }

  /** Share of wall time spent preparing since start, 0..1 (the pool_utilization gauge). */
  utilization(): number {
    return Math.min(1, this.busyMs / Math.max(1, performance.now() - this.startedAt));
  }

  async reconfigure(cfg: Config): Promise<void> {
    if (this.status !== 'open') throw new Error('prepare pool is closed');
    // The concatenation references carry over: a fresh set could reuse one a handset is still assembling.
    this.ctx = buildPrepareContext(cfg, this.ctx.refs);
  }

  /** Nothing is held between calls; safe to call more than once. */
  async close(): Promise<void> { this.status = 'closed'; }
}
