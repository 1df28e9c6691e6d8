import t from 'tap';
import { buildConfig } from '../../src/config/schema.js';
import { InboundStore } from '../../src/store/inbound-store.js';
import { parseReceipt } from '../../src/smpp/receipt.js';
import type { PreparedOk } from '../../src/types.js';
import { startStore } from '../helpers/store.js';
import { jobOf } from '../helpers/prepared-job.js';
import { jobField } from '../helpers/job.js';

let clock = 1_700_000_000_000;
const { srv, cfg, redis, store } = await startStore(t, {
  prefix: 'r:', config: { queue: { earlyReceiptMs: 60_000, moPartialMs: 60_000 } }, now: () => clock,
});
const inbound = new InboundStore(store, () => cfg, () => clock);
await store.recover('d1', 'tok', 'start');

let seq = 1;
/** A job of `parts` parts taken to `submitted` with the given message ids. */
async function submitted(id: string, msgIds: string[]): Promise<void> {
  const job: PreparedOk & { entryId: string } = {
    ok: true, id, to: '+8613800138000', from: 'x', carrier: 'cmcc', class: 'transactional',
    parts: msgIds.map((_, i) => Buffer.from(`body-${i}`)), fingerprint: '', sendAt: 0, expiresAt: 0, tz: 'Asia/Shanghai',
    quietHours: 'ignore', resend: false, entryId: `${seq++}-0`,
  };
  await store.ingest([job]);
  const claimed = await store.claim('d1', 'tok', 'cmcc', 10);
  await store.settle('d1', [{ act: 'ok', id, msgIds, job: jobOf(claimed, id) }]);
}

const rc = (messageId: string, stat: string, err = '000') => ({ carrier: 'cmcc', messageId, stat, err });

async function events(id: string): Promise<Record<string, any>[]> {
  const res = await redis.xrange('r:events', '-', '+');
  return res.map(([, f]) => JSON.parse(f[1]!)).filter((e) => e.id === id);
}

t.test('ENROUTE and ACCEPTD update the job with enroute events without ending it', async (t) => {
  await submitted('interim', ['i-1']);
  t.same(await store.receipts([rc('i-1', 'ENROUTE'), rc('i-1', 'ACCEPTD')]), [{ status: 'interim' }, { status: 'interim' }]);
  t.equal(await jobField(redis, 'r:job:interim', 'st'), 'submitted', 'still waiting for its final receipt');
  clock += 1500;
  t.same(await store.receipts([rc('i-1', 'DELIVRD')]), [{ status: 'final', latencyMs: 1500 }], 'the final one reports submit-to-final latency');
  const ev = await events('interim');
  t.same(ev.map((e) => e.state), ['submitted', 'enroute', 'enroute', 'delivered'], 'one event per state change, one final');
  t.match(ev[2], { part: 1, stat: 'ACCEPTD' });
});

t.test('the parser and the Lua agree: ACCEPTD and ENROUTE are intermediate, the others final', async (t) => {
  const dlr = (stat: string) => ({ esm_class: 0x04, short_message: `id:9 stat:${stat}` });
  t.equal(parseReceipt(dlr('ACCEPTD'))!.final, false);
  t.equal(parseReceipt(dlr('ENROUTE'))!.final, false);
  for (const stat of ['DELIVRD', 'UNDELIV', 'EXPIRED', 'REJECTD', 'DELETED', 'UNKNOWN']) {
    t.equal(parseReceipt(dlr(stat))!.final, true, `${stat} is final in the parser`);
    await submitted(`agree-${stat}`, [`agree-${stat}`]);
    t.same((await store.receipts([rc(`agree-${stat}`, stat)]))[0]!.status, 'final', `${stat} is final in receipt.lua`);
  }
});

t.test('a multipart message is delivered only when every part is, and lists each part state', async (t) => {
  await submitted('multi', ['m-1', 'm-2', 'm-3']);
  t.same(await store.receipts([rc('m-1', 'DELIVRD'), rc('m-3', 'DELIVRD')]), [{ status: 'interim' }, { status: 'interim' }]);
  t.equal(await jobField(redis, 'r:job:multi', 'st'), 'submitted', 'two of three parts are not enough');
  t.same((await store.receipts([rc('m-2', 'DELIVRD')]))[0]!.status, 'final');
  const ev = (await events('multi')).at(-1)!;
  t.match(ev, { state: 'delivered', parts: 3, partStates: ['DELIVRD', 'DELIVRD', 'DELIVRD'], msgIds: ['m-1', 'm-2', 'm-3'] });
});

t.test('one undelivered part makes the message undeliverable; a late ENROUTE changes no final part', async (t) => {
  await submitted('mixed', ['x-1', 'x-2']);
  await store.receipts([rc('x-1', 'UNDELIV', '001')]);
  t.same(await store.receipts([rc('x-1', 'ENROUTE')]), [{ status: 'dup' }], 'a final part stays final');
  await store.receipts([rc('x-2', 'DELIVRD')]);
  const ev = await events('mixed');
  t.same(ev.map((e) => e.state), ['submitted', 'undeliverable']);
  t.match(ev[1], { code: 'UNDELIVERABLE', partStates: ['UNDELIV', 'DELIVRD'] });
});

t.test('a part whose only receipt had an empty stat is PENDING when its job ends unconfirmed, in either form', async (t) => {
  await submitted('blank-one', ['b1-1']);
  await submitted('blank-two', ['b2-1', 'b2-2']);
  t.same(await store.receipts([rc('b1-1', ''), rc('b2-1', '')]), [{ status: 'interim' }, { status: 'interim' }]);
  const was = clock;
  clock += (cfg.queue.receiptTtlDays + 2) * 86_400_000;
  await inbound.sweepUnconfirmed(['cmcc']);
  clock = was;
  t.match((await events('blank-one')).at(-1), { state: 'unconfirmed', partStates: ['PENDING'], missingParts: [1] });
  t.match((await events('blank-two')).at(-1), { state: 'unconfirmed', partStates: ['PENDING', 'PENDING'], missingParts: [1, 2] });
});

t.test('a receipt before its mapping is held, keeps its first arrival time, and is applied by settle', async (t) => {
  t.same(await store.receipts([rc('e-1', 'DELIVRD')]), [{ status: 'held' }]);
  const first = clock;
  clock += 1000;
  t.same(await store.receipts([rc('e-1', 'DELIVRD')]), [{ status: 'held' }], 'the SMSC resent it');
  t.equal(Number(await redis.zscore('r:{cmcc}:early:at', 'e-1')), first, 'first arrival kept');
  await submitted('early', ['e-1']);
  t.equal(await jobField(redis, 'r:job:early', 'st'), 'delivered');
  t.equal(await redis.hexists('r:{cmcc}:early', 'e-1'), 0, 'gone from the early hash');
  t.equal(await inbound.earlyCount('cmcc'), 0, 'and from the arrival set');
});

t.test('the sweep moves receipts held past earlyReceiptMs to the orphans stream and leaves younger ones', async (t) => {
  await store.receipts([rc('o-old', 'DELIVRD')]);
  clock += 50_000;
  await store.receipts([rc('o-young', 'UNDELIV', '005')]);
  clock += 20_000; // o-old is 70 s old, o-young 20 s
  t.same(await inbound.sweepReceipts(['cmcc']), [{ carrier: 'cmcc', orphaned: 1, applied: 0 }]);
  const orphans = (await redis.xrange('r:orphans', '-', '+')).map(([, f]) => JSON.parse(f[1]!));
  t.match(orphans, [{ carrier: 'cmcc', messageId: 'o-old', stat: 'DELIVRD', reason: 'unmatched', at: clock - 70_000 }]);
  t.equal(await redis.hexists('r:{cmcc}:early', 'o-old'), 0);
  t.equal(await redis.hexists('r:{cmcc}:early', 'o-young'), 1, 'the younger one still waits');
  clock += 60_000;
  await inbound.sweepReceipts(['cmcc']);
  t.equal(await redis.hlen('r:{cmcc}:early'), 0, 'the early hash does not grow without bound');
  t.equal(await redis.xlen('r:orphans'), 2, 'nothing dropped');
});

t.test('the sweep gives a held receipt one last try and applies it when its mapping has appeared', async (t) => {
  await store.receipts([rc('late-map', 'DELIVRD')]);
  await submitted('late', ['late-map-other']);
  // The mapping appears without settle (as a peer writing it would): only the sweep can apply it.
  await redis.hset(`r:{cmcc}:dlr:${Math.floor(clock / 86_400_000)}`, 'late-map', 'late:1');
  clock += 61_000;
  t.same(await inbound.sweepReceipts(['cmcc']), [{ carrier: 'cmcc', orphaned: 0, applied: 1 }]);
  t.equal(await jobField(redis, 'r:job:late', 'st'), 'delivered');
});

t.test('a receipt the sweep applies on its last try marks the number invalid, as one applied at once would', async (t) => {
  const hygiene = buildConfig({
    redis: { url: srv.url, prefix: 'r:' },
    carriers: [{ name: 'cmcc', host: '127.0.0.1', systemId: 'x' }],
    queue: { earlyReceiptMs: 60_000 },
    care: { invalidErrorCodes: ['001'], invalidForMs: 86_400_000 },
  });
  const sweeper = new InboundStore(store, () => hygiene, () => clock);
  await store.receipts([rc('gone-map', 'UNDELIV', '001')]);
  await submitted('gone', ['gone-map-other']);
  await redis.hset(`r:{cmcc}:dlr:${Math.floor(clock / 86_400_000)}`, 'gone-map', 'gone:1');
  clock += 61_000;
  t.same(await sweeper.sweepReceipts(['cmcc']), [{ carrier: 'cmcc', orphaned: 0, applied: 1 }]);
  t.equal(await jobField(redis, 'r:job:gone', 'st'), 'undeliverable');
  t.equal(await redis.get('r:invalid:+8613800138000'), 'UNDELIV err:001', 'the number is marked invalid');
  const ttl = await redis.pttl('r:invalid:+8613800138000');
  t.ok(ttl > 0 && ttl <= 86_400_000, `for invalidForMs (${ttl} ms left)`);
  await redis.del('r:invalid:+8613800138000');
});

t.test('MO parts survive a restart and are joined in order; a resent part of a delivered MO is a dup', async (t) => {
  const part = (seq: number, text: string) => ({ carrier: 'cmcc', from: '+8613900000001', to: '10690', ref: 7, total: 3, seq, text });
  t.same(await inbound.moPart(part(2, 'B')), { status: 'wait' });
  t.same(await inbound.moPart(part(1, 'A')), { status: 'wait' });
  const after = new InboundStore(store, () => cfg, () => clock); // a new daemon: nothing in memory
  const r = await after.moPart(part(3, 'C'));
  t.equal(r.status, 'complete');
  if (r.status !== 'complete') return;
  t.same(r.texts, ['A', 'B', 'C']);
  await after.recordMo({ from: '+8613900000001', to: '10690', text: r.texts.join(''), carrier: 'cmcc', at: clock, optedOut: false }, null, r.done);
  t.same(await after.moPart(part(3, 'C')), { status: 'dup' });
  t.equal(await redis.zcard('r:{cmcc}:mo:pending'), 0);
  t.equal(await redis.xlen('r:mo'), 1);
});

t.test('an incomplete MO is delivered as partial after moPartialMs, not dropped', async (t) => {
  const part = (seq: number, text: string) => ({ carrier: 'cmcc', from: '+8613900000002', to: '10690', ref: 300, total: 3, seq, text });
  await inbound.moPart(part(1, 'Hello '));
  await inbound.moPart(part(3, 'world'));
  t.same(await inbound.sweepMo(['cmcc']), [], 'not yet');
  clock += 61_000;
  t.same(await inbound.sweepMo(['cmcc']), ['cmcc']);
  const mo = (await redis.xrange('r:mo', '-', '+')).map(([, f]) => JSON.parse(f[1]!)).at(-1);
  t.match(mo, { from: '+8613900000002', text: 'Hello world', partial: true, parts: 2, total: 3, optedOut: false });
  t.same(await inbound.moPart(part(2, 'late ')), { status: 'dup' }, 'a straggler after the deadline is not delivered twice');
});
