/**
 * Every submitted job ends: one whose final receipt has not come once its receipt can no longer be
 * matched (its mapping bucket is past queue.receiptTtlDays) ends `unconfirmed`, code NO_RECEIPT,
 * with one event (dlr-sweep.lua). Run periodically by the daemon; one run at a time.
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
  private running = false;
  constructor(private d: { inboundStore: InboundStore; logger: Logger }) {}

  /** Returns how many jobs this run ended. */
  async sweep(carriers: string[]): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let ended = 0;
    try {
      let due = carriers;
      for (let call = 0; call < MAX_CALLS_PER_RUN && due.length > 0; call++) {
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
    } finally {
      this.running = false;
    }
    return ended;
  }
}
