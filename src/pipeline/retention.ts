/**
 * Keeps the streams within retention (store/stream-trim.ts): run periodically by the daemon, one run at
 * a time. A failed run (Redis away) changes nothing and the next one does the work.
 */
import type { Logger } from 'pino';
import type { StreamTrim, StreamTrimmed, TrimAges } from '../store/stream-trim.js';

/**
 * How often the streams are trimmed: a quarter of the shorter retention, between 1 s and 60 s. An entry
 * lives at most its retention plus this; each run is five small commands and a few trims.
 */
export function trimEveryMs(ages: TrimAges): number {
  return Math.min(60_000, Math.max(1000, Math.floor(Math.min(ages.jobStreamMs, ages.outStreamMs) / 4)));
}

export class Retention {
  /** The run going on now: stop() hands it back so the daemon closes Redis only after it. */
  private current: Promise<StreamTrimmed[]> | undefined;
  private stopped = false;
  constructor(private d: { trim: StreamTrim; ages: () => TrimAges; logger: Logger }) {}

  /** Returns what this run trimmed ([] when a run was already going, it failed, or after stop()). */
  run(): Promise<StreamTrimmed[]> {
    if (this.stopped || this.current) return Promise.resolve([]);
    this.current = this.trimOnce().finally(() => { this.current = undefined; });
    return this.current;
  }

  /** No run starts after this; resolves once the one going on (a few small commands) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.current;
  }

  private async trimOnce(): Promise<StreamTrimmed[]> {
    try {
      const res = await this.d.trim.trim(this.d.ages());
      const trimmed = res.filter((r) => r.trimmed > 0);
      if (trimmed.length > 0) {
        this.d.logger.debug({ trimmed: Object.fromEntries(trimmed.map((r) => [r.stream, r.trimmed])) }, 'streams trimmed to retention');
      }
      return res;
    } catch (err) {
      this.d.logger.warn({ err }, 'stream trim failed; next run retries');
      return [];
    }
  }
}
