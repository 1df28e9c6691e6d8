import t from 'tap';
import pino from 'pino';
import { Batcher } from '../../src/pipeline/batcher.js';

const logger = pino({ level: 'silent' });

t.test('writtenThrough waits for every item added before it, and not for items added after', async (t) => {
  const gates: (() => void)[] = [];
  const written: number[][] = [];
  const b = new Batcher<number, number>(async (items) => {
    await new Promise<void>((r) => gates.push(r));
    written.push(items);
    return items;
  }, { maxBatch: 2, retry: false, logger, name: 't' });
  void b.add(1); void b.add(2); void b.add(3);
  let through = false;
  const p = b.writtenThrough().then(() => { through = true; });
  await new Promise((r) => setImmediate(r));
  void b.add(4); // added later: writtenThrough must not wait for it
  gates.shift()!();
  await new Promise((r) => setTimeout(r, 10));
  t.same(written, [[1, 2]]);
  t.equal(through, false, 'item 3 is not written yet');
  gates.shift()!();
  await p;
  t.same(written, [[1, 2], [3, 4]]);
  t.equal(through, true);
  await b.writtenThrough(); // nothing pending: resolves at once
});

t.test('writtenThrough also counts items whose write failed (no retry), so it never hangs', async (t) => {
  const b = new Batcher<number, number>(async () => { throw new Error('down'); }, { maxBatch: 10, retry: false, logger, name: 't' });
  const r = b.add(1).catch((e: Error) => e.message);
  await b.writtenThrough();
  t.equal(await r, 'down');
});
