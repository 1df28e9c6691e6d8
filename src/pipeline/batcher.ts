/**
 * Gathers items that arrive in one burst (the responses or receipts of one socket read) and writes
 * them with one call: one Redis round trip per batch, never per message (ARCHITECTURE §9). One write
 * in flight at a time; items arriving meanwhile go in the next. A failed write is retried with backoff
 * when `retry` is set (the scripts are idempotent), otherwise its items' promises reject.
 */
import type { Logger } from 'pino';

interface Entry<T, R> { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }

export class Batcher<T, R> {
  private pending: Entry<T, R>[] = [];
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(private write: (items: T[]) => Promise<R[]>, private opts: { maxBatch: number; retry: boolean; logger: Logger; name: string }) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.running) this.running = this.loop();
    });
  }

  get size(): number { return this.pending.length; }

  /** Resolves when everything added so far is written (or given up). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stop retrying: what is still pending is rejected. */
  close(): void { this.closed = true; }

  private async loop(): Promise<void> {
    await new Promise<void>((res) => setImmediate(res));
    let failures = 0;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.opts.maxBatch);
      try {
        const results = await this.write(batch.map((e) => e.item));
        failures = 0;
        batch.forEach((e, i) => e.resolve(results[i]!));
      } catch (err) {
        failures++;
        if (!this.opts.retry || this.closed) {
          batch.forEach((e) => e.reject(err));
          continue;
        }
        this.pending.unshift(...batch);
        this.opts.logger.error({ err, batch: this.opts.name, items: batch.length, failures }, 'batch write failed; retrying');
        await new Promise((res) => setTimeout(res, Math.min(2000, 50 * 2 ** failures)));
      }
    }
    this.running = undefined;
  }
}
