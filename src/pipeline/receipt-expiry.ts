/**
 * Every submitted job ends: one whose final receipt has not come once its receipt can no longer be
 * matched (its mapping bucket is past queue.receiptTtlDays) ends `unconfirmed`, code NO_RECEIPT,
 * with one event (dlr-sweep.lua). Run periodically by the daemon; one run at a time, and none after stop().
 */
import type { Logger } from 'pino';
import type { InboundStore } from '../store/inbound-store.js';

/**
 * A call walks at most 500 mapping entries per carrier (about a millisecond of Redis time), so a run
 * makes many small calls rather than one long one: 200 of them walk 100,000 entries, more than a day
 * of 500 messages a second fits in between two runs.
 */
const MAX_CALLS_PER_RUN = 200;

export class ReceiptExpiry {
  /** The run going on now: stop() hands it back so the daemon closes Redis only after it. */
  private current: Promise<number> | undefined;
  private stopped = false;
  constructor(private d: { inboundStore: InboundStore; logger: Logger }) {}

  /** Returns how many jobs this run ended (0 when a run was already going, or after stop()). */
  sweep(carriers: string[]): Promise<number> {
    if (this.stopped || this.current) return Promise.resolve(0);
    this.current = this.runCalls(carriers).finally(() => { this.current = undefined; });
    return this.current;
  }

  /**
   * No call starts after this; resolves once the one in flight (if any) has answered. The run's later
   * calls are left to the next daemon: a due job stays `submitted` until a sweep ends it.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.current;
  }

  private async runCalls(carriers: string[]): Promise<number> {
    let ended = 0;
    try {
      let due = carriers;
      for (let call = 0; call < MAX_CALLS_PER_RUN && due.length > 0 && !this.stopped; call++) {
        const res = await this.d.inboundStore.sweepUnconfirmed(due);
        for (const c of res) {
          if (c.ended === 0) continue;
          ended += c.ended;
          this.d.logger.warn({ carrier: c.carrier, jobs: c.ended }, 'jobs without a delivery receipt within receiptTtlDays ended unconfirmed');
        }
        due = res.filter((c) => c.more).map((c) => c.carrier);
      }
    } catch (err) {
      this.d.logger.warn({ err }, 'unconfirmed-job sweep failed; next run retries');
    }
    return ended;
  }
}
