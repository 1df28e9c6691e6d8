import t from 'tap';
import pino from 'pino';
import { Batcher } from '../../src/pipeline/batcher.js';
import { receiptBatcher } from '../../src/pipeline/receipts-after-settles.js';
import type { ReceiptRecord } from '../../src/store/queue-store.js';
import { until } from '../helpers/until.js';

const logger = pino({ level: 'silent' });
const receipt = { carrier: 'cmcc', msgId: 'm1' } as unknown as ReceiptRecord;

/** A settle batcher whose writes wait until `open()` is called. */
function heldSettles() {
  let open!: () => void;
  const gate = new Promise<void>((r) => { open = r; });
  let began = false;
  const settles = new Batcher<number, string>(async (items) => { began = true; await gate; return items.map(() => 'ok'); },
    { maxBatch: 10, retry: false, logger, name: 'settle' });
  return { settles, open, began: () => began };
}

t.test('a receipt batch is written only once the settles added before it are written', async (t) => {
  const { settles, open, began } = heldSettles();
  const order: string[] = [];
  const receipts = receiptBatcher({ write: async (recs) => { order.push('receipts'); return recs.map(() => ({ status: 'held' as const })); }, settles: [settles], logger, waitMs: 60_000 });
  const settled = settles.add(1).then(() => { order.push('settle'); });
  const written = receipts.add(receipt);
  await until('the settle write began', began);
  t.same(order, [], 'the receipt waits while the settle before it is being written');
  open();
  await Promise.all([settled, written]);
  t.same(order, ['settle', 'receipts'], 'the settle is written first, then the receipt');
});

t.test('a receipt batch is written after waitMs when a settle before it does not finish', async (t) => {
  const { settles, open, began } = heldSettles();
  t.teardown(open);
  let writes = 0;
  const receipts = receiptBatcher({ write: async (recs) => { writes++; return recs.map(() => ({ status: 'held' as const })); }, settles: [settles], logger, waitMs: 20 });
  void settles.add(1);
  const written = receipts.add(receipt);
  await until('the settle write began', began);
  await until('the receipt written', () => writes === 1);
  t.equal(began() && writes, 1, 'written while the settle is still held');
  await written;
});
