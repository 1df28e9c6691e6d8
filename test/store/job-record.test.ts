import t from 'tap';
import { readFileSync } from 'node:fs';
import { parseRecord, RECORD_FIELDS } from '../../src/store/job-record.js';
import { jobOf, preparedJob } from '../helpers/prepared-job.js';
import { startStore } from '../helpers/store.js';
import { jobHash } from '../helpers/job.js';

const RETENTION_MS = 3_600_000;
let clock = 1_800_000_000_000;
const { redis, store } = await startStore(t, {
  prefix: 'jr:', now: () => clock,
  config: { queue: { retentionMs: RETENTION_MS, maxAttempts: 3, retryBaseMs: 10, retryMaxMs: 20 } },
});
await store.recover('d1', 'tok', 'start');
const k = store.keys;

async function events(id: string): Promise<Record<string, unknown>[]> {
  return (await redis.xrange(k.events, '-', '+')).map(([, f]) => JSON.parse(f[1]!)).filter((e) => e.id === id);
}

async function claimOne(id: string) {
  const c = await store.claim('d1', 'tok', 'cmcc', 10);
  t.same(c === 'lease-lost' ? c : c.map((x) => x.id), [id], `${id} is claimed`);
  return c;
}

t.test('the common job is one string through queued, submitted and delivered, and never a hash', async (t) => {
  t.same(await store.ingest([preparedJob('plain')]), ['queued']);
  t.equal(await redis.type(k.jobRecord('plain')), 'string', 'a record at jr:<id>');
  t.equal(await redis.exists(k.job('plain')), 0, 'no job hash');
  t.match(await redis.get(k.jobRecord('plain')), /^queued\|\d+-0\|\+8613800138000\|cmcc\|transactional\|\|\|\|\|$/);
  const queued = parseRecord((await redis.get(k.jobRecord('plain')))!);
  const c = await claimOne('plain');
  t.equal(c === 'lease-lost' ? '' : c[0]!.job.record, `${queued.eid}|+8613800138000|cmcc|transactional|`, 'the claim hands the daemon its fixed fields');
  t.same(await store.settle('d1', [{ act: 'ok', id: 'plain', msgIds: ['m-plain'], job: jobOf(c, 'plain') }]), ['submitted']);
  t.same(parseRecord((await redis.get(k.jobRecord('plain')))!), { st: 'submitted', eid: queued.eid, to: '+8613800138000', car: 'cmcc',
    cls: 'transactional', ids: '["m-plain"]', sub: String(clock), n: '1' }, 'written whole from what the claim handed back');
  t.ok(await redis.pttl(k.jobRecord('plain')) > RETENTION_MS, 'kept while its receipt may come');
  clock += 250;
  t.same(await store.receipts([{ carrier: 'cmcc', messageId: 'm-plain', stat: 'DELIVRD', err: '000' }]), [{ status: 'final', latencyMs: 250 }]);
  t.match(parseRecord((await redis.get(k.jobRecord('plain')))!), { st: 'delivered', p1: 'DELIVRD', end: String(clock) });
  const ttl = await redis.pttl(k.jobRecord('plain'));
  t.ok(ttl > 0 && ttl <= RETENTION_MS, 'an ended job is kept for the retention period only');
  t.equal(await redis.exists(k.job('plain')), 0, 'still no job hash');
  t.match(await events('plain'), [{ state: 'submitted', parts: 1 }, { state: 'delivered', parts: 1, msgIds: ['m-plain'], latencyMs: 250 }]);
});

t.test('a job with meta, several parts, a resend flag or a send time ahead is a hash', async (t) => {
  const jobs = [preparedJob('meta', 1, '{"o":1}'), preparedJob('two', 2), { ...preparedJob('rs'), resend: true },
    { ...preparedJob('later'), sendAt: clock + 60_000 }];
  t.same(await store.ingest(jobs), ['queued', 'queued', 'queued', 'scheduled']);
  for (const id of ['meta', 'two', 'rs', 'later']) {
    t.equal(await redis.type(k.job(id)), 'hash', `${id}: a hash`);
    t.equal(await redis.exists(k.jobRecord(id)), 0, `${id}: no record`);
  }
});

t.test('a record that must count attempts becomes a hash with its fields, then a dead letter', async (t) => {
  await redis.del(k.lane('cmcc', 'transactional')); // the hashes above, out of the way
  await store.ingest([{ ...preparedJob('flaky'), expiresAt: clock + 86_400_000 }]);
  await claimOne('flaky');
  t.same(await store.settle('d1', [{ act: 'retry', id: 'flaky', code: 'SMSC_TRANSIENT', error: 'busy' }]), ['scheduled']);
  t.equal(await redis.exists(k.jobRecord('flaky')), 0, 'the record is gone');
  t.match(await redis.hgetall(k.job('flaky')), { st: 'scheduled', att: '1', n: '1', car: 'cmcc', cls: 'transactional',
    to: '+8613800138000', exp: String(clock + 86_400_000) });
  clock += 1000;
  await claimOne('flaky');
  await store.settle('d1', [{ act: 'retry', id: 'flaky', code: 'SMSC_TRANSIENT', error: 'busy' }]);
  clock += 1000;
  await claimOne('flaky');
  t.same(await store.settle('d1', [{ act: 'retry', id: 'flaky', code: 'SMSC_TRANSIENT', error: 'busy' }]), ['failed']);
  t.ok(await redis.zscore(k.dead, 'flaky'), 'a dead letter');
  t.match(await redis.hgetall(k.job('flaky')), { st: 'failed', att: '3' });
});

t.test('a message id holding a | is kept whole, as the record\'s last field', async (t) => {
  await store.ingest([preparedJob('bar')]);
  const c = await claimOne('bar');
  await store.settle('d1', [{ act: 'ok', id: 'bar', msgIds: ['a|b'], job: jobOf(c, 'bar') }]);
  t.same(await store.receipts([{ carrier: 'cmcc', messageId: 'a|b', stat: 'DELIVRD', err: '000' }]), [{ status: 'final', latencyMs: 0 }]);
  t.match(await jobHash(redis, k.job('bar')), { st: 'delivered', ids: '["a|b"]' });
  t.equal(await redis.exists(k.job('bar')), 0);
});

t.test('a leftover hash under a new job\'s id lends it no field: not attempts, not resend', async (t) => {
  await redis.del(k.lane('cmcc', 'transactional'));
  for (const id of ['left-rec', 'left-hash']) await redis.hset(k.job(id), 'att', '2', 'rs', '1', 'st', 'queued');
  t.same(await store.ingest([preparedJob('left-rec'), preparedJob('left-hash', 1, '{"o":1}')]), ['queued', 'queued']);
  t.equal(await redis.exists(k.job('left-rec')), 0, 'the leftover under the record\'s id is gone');
  t.same(Object.keys(await redis.hgetall(k.job('left-hash'))).filter((f) => f === 'att' || f === 'rs'), [],
    'the hash job starts without the leftover\'s fields');
  await redis.lrem(k.lane('cmcc', 'transactional'), 0, (await redis.lrange(k.lane('cmcc', 'transactional'), 1, 1))[0]!);
  await redis.hset(k.job('left-rec'), 'att', '2', 'rs', '1'); // one written beside the record: promote must not merge it
  await claimOne('left-rec');
  t.same(await store.settle('d1', [{ act: 'retry', id: 'left-rec', code: 'SMSC_TRANSIENT', error: 'busy' }]), ['scheduled']);
  const h = await redis.hgetall(k.job('left-rec'));
  t.equal(h.att, '1', 'the first attempt is counted as the first');
  t.notOk('rs' in h, 'no resend flag the job never asked for');
});

t.test('a rejected job, and the rejection of a second job under an id in use, take no leftover\'s fields either', async (t) => {
  const bad = { ok: false as const, id: 'left-bad', code: 'BAD_NUMBER' as const, error: 'bad', entryId: '7000-0' };
  await redis.hset(k.job('left-bad'), 'att', '2', 'rs', '1');
  await redis.hset(k.job('7001-0'), 'att', '2', 'rs', '1'); // under the default id the duplicate's rejection takes
  await store.ingest([preparedJob('left-dup')]);
  t.same(await store.ingest([bad, { ...preparedJob('left-dup'), entryId: '7001-0' }]), ['rejected:BAD_NUMBER', 'rejected:DUPLICATE_ID']);
  for (const id of ['left-bad', '7001-0']) {
    const h = await redis.hgetall(k.job(id));
    t.equal(h.st, 'rejected', `${id}: rejected`);
    t.same([h.att, h.rs], [undefined, undefined], `${id}: no attempts or resend flag of the leftover`);
  }
  await redis.del(k.lane('cmcc', 'transactional')); // left-dup, out of the next test's claim
});

t.test('recovery and expiry end records as they end hashes', async (t) => {
  await store.ingest([preparedJob('lost'), { ...preparedJob('old'), expiresAt: clock - 1 }]);
  const c = await store.claim('d1', 'tok', 'cmcc', 10);
  t.same(c === 'lease-lost' ? c : c.map((x) => x.id), ['lost'], 'the expired job is never handed out');
  t.match(parseRecord((await redis.get(k.jobRecord('old')))!), { st: 'expired' });
  await redis.del(k.lease('d1'));
  t.match(await store.recover('d1', 'tok2', 'start'), { unknown: 1 });
  t.match(parseRecord((await redis.get(k.jobRecord('lost')))!), { st: 'unknown' });
  t.match(await events('lost'), [{ state: 'unknown', code: 'UNKNOWN_OUTCOME', parts: 1, carrier: 'cmcc' }]);
});

t.test('the record\'s fields are named in the same order here and in common.lua', async (t) => {
  const lua = readFileSync(new URL('../../src/store/lua/common.lua', import.meta.url), 'utf8');
  const names = /local REC_NAMES = \{([^}]*)\}/.exec(lua)![1]!.match(/'(\w+)'/g)!.map((s) => s.slice(1, -1));
  t.same(names, [...RECORD_FIELDS]);
  t.same(parseRecord('queued|1-0|+86|cmcc|otp|||||'), { n: '1', st: 'queued', eid: '1-0', to: '+86', car: 'cmcc', cls: 'otp' });
  t.same(parseRecord('delivered|1-0|+86|c|otp|9|5|6|DELIVRD|["x|y"]').ids, '["x|y"]', 'ids, the last, may hold a |');
});
