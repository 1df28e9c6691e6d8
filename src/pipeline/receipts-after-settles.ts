/**
 * Receipts are written once the settles before them are. A receipt often arrives right behind its
 * submit_sm_resp. Written only once the responses before it are settled, it finds its mapping instead
 * of taking the early-receipt path (hold, then apply from settle): with receipts, that path was most of
 * Redis's work per message (docs/BENCHMARKS-HISTORY.md, "Second round", change 6). The wait is bounded:
 * the early path stays correct when a settle is slow.
 */
import type { Logger } from 'pino';
import type { ReceiptOutcome, ReceiptRecord } from '../store/queue-store.js';
import { Batcher } from './batcher.js';

/** How long a receipt batch waits for the settles before it. */
export const RECEIPT_SETTLE_WAIT_MS = 1000;

export interface ReceiptBatcherOptions {
  /** Stores a batch of receipts (QueueStore.receipts). */
  write: (recs: ReceiptRecord[]) => Promise<ReceiptOutcome[]>;
  /** The settle batchers whose earlier writes a receipt batch waits for. */
  settles: readonly Pick<Batcher<unknown, unknown>, 'writtenThrough'>[];
  logger: Logger;
  waitMs?: number;
}

/** The receipts' batcher: each batch is written once every settle added before it is, or after waitMs. */
export function receiptBatcher(o: ReceiptBatcherOptions): Batcher<ReceiptRecord, ReceiptOutcome> {
  const waitMs = o.waitMs ?? RECEIPT_SETTLE_WAIT_MS;
  return new Batcher(async (recs) => {
    await settledOrLate(o.settles, waitMs);
    return o.write(recs);
  }, { maxBatch: 200, retry: false, logger: o.logger, name: 'receipts' });
}

async function settledOrLate(settles: ReceiptBatcherOptions['settles'], waitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((res) => { timer = setTimeout(res, waitMs); });
  await Promise.race([Promise.all(settles.map((b) => b.writtenThrough())), late]);
  clearTimeout(timer);
}
