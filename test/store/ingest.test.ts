/**
 * ingest.lua completes or changes nothing, tells a half-written call from a finished one, and never
 * decodes an app's JSON: meta is echoed byte for byte in every event a job gets.
 */
import t from 'tap';
import type { PreparedOk, PreparedRejected } from '../../src/types.js';
import { jobOf } from '../helpers/prepared-job.js';
import { startStore } from '../helpers/store.js';
import { jobField, jobHash, jobMget, jobPttl } from '../helpers/job.js';

let clock = 1_700_000_000_000;
const { redis, store } = await startStore(t, {
  prefix: 'i:', config: { queue: { maxAttempts: 1, retryBaseMs: 10, retryMaxMs: 20 } }, now: () => clock,
});
await store.recover('d1', 'tok', 'start');

type Entry = { entryId: string };
/** A stream entry really read by the group (so it is pending until ingest acknowledges it). */
async function entries(n: number): Promise<string[]> {
  for (let k = 0; k < n; k++) await redis.xadd('i:jobs', '*', 'job', '{}');
  const res = (await redis.xreadgroup('GROUP', 'smppd', 'c1', 'COUNT', n, 'STREAMS', 'i:jobs', '>')) as [string, [string, string[]][]][];
  return res[0]![1].map(([id]) => id);
}
const ok = (id: string, entryId: string, over: Partial<PreparedOk> = {}): PreparedOk & Entry => ({
  ok: true, id, to: '+8613800138000', from: 'x', carrier: 'cmcc', class: 'transactional',
  parts: [Buffer.from('body-' + id)], fingerprint: '', sendAt: 0, expiresAt: 0, tz: 'Asia/Shanghai',
  quietHours: 'ignore', resend: false, entryId, ...over,
});
const rejected = (id: string, entryId: string, meta?: string): PreparedRejected & Entry =>
  ({ ok: false, id, code: 'BAD_NUMBER', error: 'bad', entryId, ...(meta ? { meta } : {}) });
const pending = async (): Promise<number> => Number(((await redis.xpending('i:jobs', 'smppd')) as unknown[])[0]);
const eventTexts = async (): Promise<string[]> => (await redis.xrange('i:events', '-', '+')).map(([, f]) => f[1]!);

t.test('a call with a malformed record writes nothing, not even for the records before it', async (t) => {
  const [e1, e2, e3] = await entries(3);
  const before = (await redis.keys('i:*')).sort();
  const bad = ok('m3', e3!, { sendAt: 'soon' as unknown as number });
  await t.rejects(store.ingest([ok('m1', e1!), ok('m2', e2!), bad], 'i:jobs'), /malformed arguments.*nothing written/);
  t.same((await redis.keys('i:*')).sort(), before, 'no key was written');
  t.equal(await pending(), 3, 'every entry is still pending, to be read again');
  t.same(await store.ingest([ok('m1', e1!), ok('m2', e2!), ok('m3', e3!)], 'i:jobs'), ['queued', 'queued', 'queued'],
    'the same jobs, well formed, are stored as new');
  t.equal(await pending(), 0);
  t.equal(await redis.llen('i:{cmcc}:lane:transactional'), 3);
  await redis.del('i:{cmcc}:lane:transactional');
});

t.test('a malformed short record (a job with nothing else to keep) writes nothing either', async (t) => {
  const [e1, e2] = await entries(2);
  const before = (await redis.keys('i:*')).sort();
  const bad = ok('s2', e2!, { expiresAt: 'later' as unknown as number });
  await t.rejects(store.ingest([ok('s1', e1!), bad], 'i:jobs'), /malformed arguments \(job 2: expiry or parts\)/);
  t.same((await redis.keys('i:*')).sort(), before, 'no key was written');
  t.same(await store.ingest([ok('s1', e1!, { expiresAt: clock + 60_000 }), ok('s2', e2!, { resend: true })], 'i:jobs'),
    ['queued', 'queued']);
  t.same(await jobHash(redis, 'i:job:s1'), { eid: e1, to: '+8613800138000', car: 'cmcc', cls: 'transactional', n: '1',
    exp: String(clock + 60_000), st: 'queued' }, 'the short record stores what the long one would');
  t.same(await jobHash(redis, 'i:job:s2'), { eid: e2, to: '+8613800138000', car: 'cmcc', cls: 'transactional', n: '1',
    rs: '1', st: 'queued' });
  await redis.del('i:{cmcc}:lane:transactional', 'i:job:s1', 'i:job:s2');
});

t.test('a finished call replays as nothing; a job a half-written call left queued goes to its lane', async (t) => {
  const [done, half, halfSched] = await entries(3);
  t.same(await store.ingest([ok('f1', done!)], 'i:jobs'), ['queued']);
  t.same(await store.ingest([ok('f1', done!)], 'i:jobs'), ['replay'], 'its entry acknowledged: a replay');
  // What a call that stopped partway leaves: the job hash written, no lane push, no XACK.
  await redis.hset('i:job:h1', 'eid', half!, 'to', '+8613800138000', 'car', 'cmcc', 'cls', 'transactional', 'n', '1', 'st', 'queued');
  await redis.hset('i:job:h2', 'eid', halfSched!, 'car', 'cmcc', 'cls', 'transactional', 'n', '1', 'st', 'scheduled');
  const events = (await eventTexts()).length;
  t.same(await store.ingest([ok('h1', half!), ok('h2', halfSched!, { sendAt: clock + 60_000 })], 'i:jobs'), ['queued', 'replay']);
  t.same((await redis.lrange('i:{cmcc}:lane:transactional', 0, -1)).map((e) => e.split(' ')[0]), ['f1', 'h1'],
    'the half-written job is in its lane once; the finished one was not pushed again');
  t.equal((await eventTexts()).length, events, 'no event written twice');
  t.equal(await pending(), 0, 'both entries acknowledged');
  const c = await store.claim('d1', 'tok', 'cmcc', 10);
  await store.settle('d1', (c as { id: string }[]).map((x) => ({ act: 'requeue' as const, id: x.id })));
  await redis.del('i:{cmcc}:lane:transactional', 'i:{cmcc}:sched');
});

t.test('a job a half-written call left in its lane, or that is in flight, gets no second lane entry from the replay', async (t) => {
  const [inLane, inFlight] = await entries(2);
  const lane = 'i:{cmcc}:lane:transactional';
  // What a call that stopped after its lane push leaves: the job hash and lane entry written, no XACK.
  for (const [id, eid] of [['l1', inLane!], ['l2', inFlight!]] as const) {
    await redis.hset(`i:job:${id}`, 'eid', eid, 'to', '+8613800138000', 'car', 'cmcc', 'cls', 'transactional', 'n', '1', 'st', 'queued');
    await redis.rpush(lane, `${id} body-${id}`);
  }
  await redis.lrem(lane, 1, 'l2 body-l2');
  await redis.hset('i:inflight:d1', 'l2', 'S9 body-l2'); // claimed: its hash still says queued (claim.lua)
  t.same(await store.ingest([ok('l1', inLane!), ok('l2', inFlight!)], 'i:jobs'), ['replay', 'replay']);
  t.same(await redis.lrange(lane, 0, -1), ['l1 body-l1'], 'one entry for the job in its lane, none for the one in flight');
  t.equal(await pending(), 0, 'both entries acknowledged');
  await redis.del(lane, 'i:inflight:d1');
});

t.test('a job whose meta nests 1,001 levels is stored with its neighbours: Lua never decodes meta', async (t) => {
  const deep = '{"a":' + '['.repeat(1000) + ']'.repeat(1000) + '}';
  const [e1, e2, e3] = await entries(3);
  t.same(await store.ingest([ok('n1', e1!), rejected('n2', e2!, deep), ok('n3', e3!, { meta: deep })], 'i:jobs'),
    ['queued', 'rejected:BAD_NUMBER', 'queued']);
  t.equal(await pending(), 0);
  const ev = (await eventTexts()).find((e) => e.includes('"n2"'))!;
  t.ok(ev.endsWith(`,"meta":${deep}}`), 'the rejected event echoes it as sent');
  const c = await store.claim('d1', 'tok', 'cmcc', 10);
  await store.settle('d1', (c as { id: string }[]).map((x) => ({ act: 'unknown' as const, id: x.id })));
  t.ok((await eventTexts()).some((e) => e.includes('"n3"') && e.includes('"unknown"') && e.endsWith(`,"meta":${deep}}`)),
    'so does the unknown event a settle writes');
});

t.test('meta is echoed byte for byte in every kind of event', async (t) => {
  const meta = '{"list":[],"big":12345678901234567890,"long":0.1000000000000000055511151231257827,"huge":1.0e400,"s":"a\\"b\\u00e9"}';
  const [r, s, d, f, u, x] = await entries(6);
  await store.ingest([rejected('e-r', r!, meta), ok('e-s', s!, { meta, sendAt: clock + 60_000 }), ok('e-d', d!, { meta }),
    ok('e-f', f!, { meta }), ok('e-u', u!, { meta }), ok('e-x', x!, { meta, expiresAt: clock + 10 })], 'i:jobs');
  clock += 1000;
  const c = await store.claim('d1', 'tok', 'cmcc', 10);
  await store.settle('d1', [
    { act: 'ok', id: 'e-d', msgIds: ['md'], job: jobOf(c, 'e-d') },
    { act: 'retry', id: 'e-f', code: 'SMSC_TRANSIENT', error: 'x' },
    { act: 'unknown', id: 'e-u' },
  ]);
  await store.receipts([{ carrier: 'cmcc', messageId: 'md', stat: 'ENROUTE', err: '000' }]);
  await store.receipts([{ carrier: 'cmcc', messageId: 'md', stat: 'DELIVRD', err: '000' }]);
  const mine = (await eventTexts()).filter((e) => e.includes('"e-'));
  const states = mine.map((e) => (JSON.parse(e) as { state: string }).state).sort();
  t.same(states, ['delivered', 'enroute', 'expired', 'failed', 'rejected', 'scheduled', 'submitted', 'unknown']);
  for (const e of mine) t.ok(e.includes(`"meta":${meta}`), `${(JSON.parse(e) as { state: string }).state}: meta as sent`);
});

t.test('a DUPLICATE_ID rejection replayed from a call that stopped partway writes no second event', async (t) => {
  const [first, dup, next] = await entries(3);
  t.same(await store.ingest([ok('twice', first!)], 'i:jobs'), ['queued']);
  // A later write of the call fails (its lane is not a list), so the call stops after the rejection's
  // event and before its XACK, as any Redis error would leave it.
  await redis.set('i:{cmcc}:lane:marketing', 'not a list');
  const call = [ok('twice', dup!), ok('after-dup', next!, { class: 'marketing' })];
  await t.rejects(store.ingest(call, 'i:jobs'), /WRONGTYPE/);
  t.equal(await pending(), 2, 'both entries still pending, to be read again');
  await redis.del('i:{cmcc}:lane:marketing');
  t.same(await store.ingest(call, 'i:jobs'), ['replay', 'queued'], 'the rejection is a replay, the half-written job goes to its lane');
  t.equal(await pending(), 0);
  const dups = (await eventTexts()).map((e) => JSON.parse(e) as { id: string; code?: string; duplicateOf?: string })
    .filter((e) => e.code === 'DUPLICATE_ID');
  t.same(dups.map((e) => [e.id, e.duplicateOf]), [[dup, 'twice']], 'exactly one DUPLICATE_ID event, under the entry id');
  t.same(await jobMget(redis, `i:job:${dup!}`, 'st', 'dup'), ['rejected', 'twice'], 'the rejection is kept under the entry id');
  t.ok(await jobPttl(redis, `i:job:${dup!}`) > 0, 'and expires with retention');
  t.same(await jobField(redis, 'i:job:twice', 'eid'), first, 'the first job is untouched');
  const c = await store.claim('d1', 'tok', 'cmcc', 10);
  await store.settle('d1', (c as { id: string }[]).map((x) => ({ act: 'requeue' as const, id: x.id })));
  await redis.del('i:{cmcc}:lane:transactional', 'i:{cmcc}:lane:marketing');
});
