/**
 * Gathers items that arrive in one burst (the responses or receipts of one socket read) and writes
 * them with one call: one Redis round trip per batch, never per message (docs/ARCHITECTURE.md, "The
 * path of a job"). One write in flight at a time; items arriving meanwhile go in the next. A failed
 * write is retried with backoff when `retry` is set (the scripts are idempotent), otherwise its items' promises reject.
 */
import type { Logger } from 'pino';

/** Told once of an item's end: written (`ok`, with its result) or given up (with the error); `item`: the one added. */
export type BatchDone<T, R> = (ok: boolean, result: R | undefined, err: unknown, item: T) => void;

interface Entry<T, R> { item: T; done: BatchDone<T, R> }

export class Batcher<T, R> {
  private pending: Entry<T, R>[] = [];
  private running: Promise<void> | undefined;
  private closed = false;
  // Items are written in the order they were added, so "every item added so far is done" is a count.
  private added = 0;
  private done = 0;
  private doneWaiters: { target: number; resolve: () => void }[] = [];

  constructor(private write: (items: T[]) => Promise<R[]>, private opts: { maxBatch: number; retry: boolean; logger: Logger; name: string }) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => this.push(item, (ok, r, err) => (ok ? resolve(r as R) : reject(err))));
  }

  /**
   * As add(), with a callback instead of a promise: the hot paths (a settle per message, a receipt per
   * receipt) make no promise and no closures per item for it.
   */
  push(item: T, done: BatchDone<T, R>): void {
    this.added++;
    this.pending.push({ item, done });
    if (!this.running) this.running = this.loop();
  }

  get size(): number { return this.pending.length; }

  /** Resolves when everything added so far is written (or given up). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Resolves once every item added before this call is written (or given up); never waits for later ones. */
  writtenThrough(): Promise<void> {
    const target = this.added;
    if (this.done >= target) return Promise.resolve();
    return new Promise<void>((resolve) => this.doneWaiters.push({ target, resolve }));
  }

  private markDone(n: number): void {
    this.done += n;
    if (this.doneWaiters.length === 0) return;
    const still = [];
    for (const w of this.doneWaiters) if (this.done >= w.target) w.resolve(); else still.push(w);
    this.doneWaiters = still;
  }

  /** Stop retrying: what is still pending is rejected. */
  close(): void { this.closed = true; }

  /** A callback that throws must not stop the loop or fail the write that is done. */
  private tell(e: Entry<T, R>, ok: boolean, r: R | undefined, err?: unknown): void {
    try {
      e.done(ok, r, err, e.item);
    } catch (thrown) {
      this.opts.logger.error({ err: thrown, batch: this.opts.name }, 'a batch item\'s callback threw');
    }
  }

  private async loop(): Promise<void> {
    await new Promise<void>((res) => setImmediate(res));
    let failures = 0;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.opts.maxBatch);
      try {
        const results = await this.write(batch.map((e) => e.item));
        failures = 0;
        for (let i = 0; i < batch.length; i++) this.tell(batch[i]!, true, results[i]!);
        this.markDone(batch.length);
      } catch (err) {
        failures++;
        if (!this.opts.retry || this.closed) {
          for (const e of batch) this.tell(e, false, undefined, err);
          this.markDone(batch.length);
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
