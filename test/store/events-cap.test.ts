import t from 'tap';
import type { PreparedRejected } from '../../src/types.js';
import { jobOf, preparedJob } from '../helpers/prepared-job.js';
import { startStore } from '../helpers/store.js';
import { jobField, jobMget, jobPttl } from '../helpers/job.js';

// The scripts add events without a trim clause and trim the stream once per call (common.lua trim_events).
const { redis, store } = await startStore(t, { prefix: 'ec:', config: { queue: { eventsMaxLen: 1000 } } });
await store.recover('d1', 'tok', 'start');

const job = preparedJob;
let seq = 100_000; // entry ids of the rejected jobs below, apart from preparedJob's

// `~` trims whole stream nodes (stream-node-max-entries, 100 by default), so a capped stream holds 1000 to 1099.
const CAPPED_MAX = 1100;

t.test('settle and receipt calls keep the events stream at its cap however many events they add', async (t) => {
  const ids = Array.from({ length: 1500 }, (_, i) => `j${i}`);
  for (let i = 0; i < ids.length; i += 100) await store.ingest(ids.slice(i, i + 100).map((id) => job(id)));
  t.equal(await redis.xlen('ec:events'), 0, 'a queued job writes no event');
  const claimed: string[] = [];
  for (;;) {
    const c = await store.claim('d1', 'tok', 'cmcc', 100);
    if (c === 'lease-lost' || c.length === 0) break;
    claimed.push(...c.map((x) => x.id));
    await store.settle('d1', c.map((x) => ({ act: 'ok' as const, id: x.id, msgIds: [`m-${x.id}`], job: x.job })));
  }
  t.equal(claimed.length, 1500);
  const afterSettle = await redis.xlen('ec:events');
  t.ok(afterSettle >= 1000 && afterSettle < CAPPED_MAX, `1,500 submitted events, ${afterSettle} kept`);
  for (let i = 0; i < ids.length; i += 100) {
    await store.receipts(ids.slice(i, i + 100).map((id) => ({ carrier: 'cmcc', messageId: `m-${id}`, stat: 'DELIVRD', err: '000' })));
  }
  const afterReceipts = await redis.xlen('ec:events');
  t.ok(afterReceipts >= 1000 && afterReceipts < CAPPED_MAX, `1,500 delivered events more, ${afterReceipts} kept`);
  const last = await redis.xrevrange('ec:events', '+', '-', 'COUNT', 1);
  t.match(JSON.parse(last[0]![1][1]!), { id: 'j1499', state: 'delivered' }, 'the newest event is kept, the oldest are trimmed');
});

t.test('ingest calls that reject keep the events stream at its cap', async (t) => {
  for (let i = 0; i < 1500; i += 100) {
    await store.ingest(Array.from({ length: 100 }, (_, k): PreparedRejected & { entryId: string } => ({
      ok: false, id: `r${i + k}`, code: 'BAD_NUMBER', error: 'bad', to: 'x', entryId: `${seq++}-0`,
    })));
  }
  const n = await redis.xlen('ec:events');
  t.ok(n >= 1000 && n < CAPPED_MAX, `1,500 rejected events, ${n} kept`);
});

t.test('a single-part job’s last receipt writes its part state and the final state together', async (t) => {
  await store.ingest([job('one')]);
  const c = await store.claim('d1', 'tok', 'cmcc', 10);
  t.same(await store.settle('d1', [{ act: 'ok', id: 'one', msgIds: ['m-one'], job: jobOf(c, 'one') }]), ['submitted']);
  t.same((await store.receipts([{ carrier: 'cmcc', messageId: 'm-one', stat: 'UNDELIV', err: '001' }]))[0]!.status, 'final');
  t.same(await jobMget(redis, 'ec:job:one', 'st', 'p1'), ['undeliverable', 'UNDELIV']);
  t.ok(Number(await jobPttl(redis, 'ec:job:one')) > 0, 'kept for the retention period only');
  t.same(await store.receipts([{ carrier: 'cmcc', messageId: 'm-one', stat: 'DELIVRD', err: '000' }]), [{ status: 'dup' }],
    'a later receipt changes nothing');
  t.equal(await jobField(redis, 'ec:job:one', 'p1'), 'UNDELIV');
});

t.test('a two-part job keeps the first part’s state until the second receipt ends it', async (t) => {
  await store.ingest([job('two', 2)]);
  const c = await store.claim('d1', 'tok', 'cmcc', 10);
  await store.settle('d1', [{ act: 'ok', id: 'two', msgIds: ['m-two-1', 'm-two-2'], job: jobOf(c, 'two') }]);
  t.same(await store.receipts([{ carrier: 'cmcc', messageId: 'm-two-1', stat: 'DELIVRD', err: '000' }]), [{ status: 'interim' }]);
  t.same(await jobMget(redis, 'ec:job:two', 'st', 'p1', 'p2'), ['submitted', 'DELIVRD', null]);
  t.same((await store.receipts([{ carrier: 'cmcc', messageId: 'm-two-2', stat: 'DELIVRD', err: '000' }]))[0]!.status, 'final');
  t.same(await jobMget(redis, 'ec:job:two', 'st', 'p1', 'p2'), ['delivered', 'DELIVRD', 'DELIVRD']);
});
