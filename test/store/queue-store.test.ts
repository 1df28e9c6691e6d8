import t from 'tap';
import { createRedis } from '../../src/store/redis.js';
import { QueueStore, queuedAtMs } from '../../src/store/queue-store.js';
import type { PreparedOk } from '../../src/types.js';
import { jobOf } from '../helpers/prepared-job.js';
import { smppParts } from '../helpers/bodies.js';
import { startStore } from '../helpers/store.js';
import { jobField } from '../helpers/job.js';
import { until } from '../helpers/until.js';

let clock = 1_700_000_000_000;
const { cfg, redis, store } = await startStore(t, {
  prefix: 't:', config: { queue: { maxAttempts: 2, retryBaseMs: 10, retryMaxMs: 20 } }, now: () => clock,
});

let seq = 1;
const job = (id: string, over: Partial<PreparedOk & { entryId: string }> = {}): PreparedOk & { entryId: string } => ({
  ok: true, id, to: '+8613800138000', from: 'x', carrier: 'cmcc', class: 'transactional',
  parts: [Buffer.from('body-' + id)], fingerprint: '', sendAt: 0, expiresAt: 0, tz: 'Asia/Shanghai',
  quietHours: 'ignore', resend: false, entryId: `${seq++}-0`, ...over,
});

async function events(): Promise<Record<string, any>[]> {
  const res = await redis.xrange('t:events', '-', '+');
  return res.map(([, f]) => JSON.parse(f[1]!));
}

await store.recover('d1', 'tok', 'start');

t.test('a job goes queued, claimed, submitted and delivered with one event per state change', async (t) => {
  t.same(await store.ingest([job('a', { meta: '{"order":7}' })]), ['queued']);
  const again = job('a'); again.entryId = '1-0';
  t.same(await store.ingest([again]), ['replay'], 'replaying the same stream entry changes nothing');
  const claimed = await store.claim('d1', 'tok', 'cmcc', 10);
  t.equal((claimed as any[]).length, 1);
  t.equal(smppParts((claimed as any[])[0])[0]!.toString(), 'body-a');
  t.equal(await redis.hget('t:inflight:d1', 'a'), 'S1 body-a', 'the claim marks it submitting, tagged with the claim, its body after');
  t.same(await store.settle('d1', [{ act: 'ok', id: 'a', msgIds: ['m-1'], job: jobOf(claimed, 'a') }]), ['submitted']);
  t.same(await store.receipts([{ carrier: 'cmcc', messageId: 'm-1', stat: 'DELIVRD', err: '000' }]), [{ status: 'final', latencyMs: 0 }]);
  t.same(await store.receipts([{ carrier: 'cmcc', messageId: 'm-1', stat: 'DELIVRD', err: '000' }]), [{ status: 'dup' }]);
  const ev = (await events()).filter((e) => e.id === 'a');
  t.same(ev.map((e) => e.state), ['submitted', 'delivered']);
  t.same(ev[1]!.msgIds, ['m-1']);
  t.same(ev[1]!.meta, { order: 7 });
  t.equal(await jobField(redis, 't:job:a', 'b1'), null, 'bodies are dropped once submitted');
});

t.test('a second job with an id in use is rejected without touching the first', async (t) => {
  t.same(await store.ingest([job('a', { entryId: '999-0' })]), ['rejected:DUPLICATE_ID']);
});

t.test('a receipt that arrives before its response is held and applied when the mapping lands', async (t) => {
  await store.ingest([job('b')]);
  const claimed = await store.claim('d1', 'tok', 'cmcc', 10);
  t.same(await store.receipts([{ carrier: 'cmcc', messageId: 'm-2', stat: 'DELIVRD', err: '000' }]), [{ status: 'held' }]);
  await store.settle('d1', [{ act: 'ok', id: 'b', msgIds: ['m-2'], job: jobOf(claimed, 'b') }]);
  t.equal(await jobField(redis, 't:job:b', 'st'), 'delivered');
});

t.test('recovery requeues the jobs of a claim whose reply was lost and ends the others as unknown', async (t) => {
  // A claim that times out client-side while Redis is paused still runs once the pause ends: marked S in
  // Redis, never seen by the daemon, so never written.
  // The timeout is far above what a command takes on a loaded machine, the pause far above the timeout.
  const slow = createRedis(cfg.redis, 'test-timeout', { commandTimeout: 1000, maxRetriesPerRequest: 0 });
  await slow.connect();
  t.teardown(() => slow.disconnect());
  const own = new QueueStore(slow, cfg, () => clock);
  await own.recover('d1', 'tok', 'start');
  await own.ingest([job('c', { resend: true })]); // a job that asked to be resent is kept as a hash
  await redis.client('PAUSE', 4000, 'ALL');
  await t.rejects(own.claim('d1', 'tok', 'cmcc', 10), /timed out/i, 'the reply never comes');
  await until('the paused claim has run', async () => (await redis.hget('t:inflight:d1', 'c')) !== null);
  t.match(await redis.hget('t:inflight:d1', 'c'), /^S\d+ body-c$/, 'yet the claim ran: c is marked S');
  await own.ingest([job('d')]);
  t.same(((await own.claim('d1', 'tok', 'cmcc', 10)) as any[]).map((x) => x.id), ['d'], 'd is claimed and (as far as Redis knows) written');
  // A restart: the old process is gone, and its lease has lapsed (a live one would be another process's: recover refuses it).
  await redis.del('t:lease:d1');
  t.match(await own.recover('d1', 'tok2', 'start'), { requeued: 1, unknown: 1, resent: 0 }, 'c requeued, d unknown');
  t.equal(await jobField(redis, 't:job:c', 'st'), 'queued');
  t.equal(await jobField(redis, 't:job:d', 'st'), 'unknown');
  t.equal(await store.claim('d1', 'tok', 'cmcc', 10), 'lease-lost', 'the old token writes nothing');
  const c = await store.claim('d1', 'tok2', 'cmcc', 10);
  t.same((c as any[]).map((x) => x.id), ['c']);
  t.same(await store.settle('d1', [{ act: 'requeue', id: 'c' }]), ['queued']);
  t.match(await own.recover('d1', 'tok2', 'start'), { requeued: 0, unknown: 0, resent: 0 }, 'a lost claim is named once, then forgotten');
});

t.test('a claim table left by a version that marked submitting separately still requeues its C jobs', async (t) => {
  await store.ingest([job('legacy', { carrier: 'old' })]);
  t.same(((await store.claim('d1', 'tok2', 'old', 10)) as any[]).map((x) => x.id), ['legacy']);
  await redis.hset('t:inflight:d1', 'legacy', 'C');
  t.match(await store.recover('d1', 'tok2', 'start'), { requeued: 1, unknown: 0, resent: 0 });
  t.equal(await jobField(redis, 't:job:legacy', 'st'), 'queued');
});

t.test('a dead peer’s in-flight jobs are recovered by a live daemon, resent only when they asked', async (t) => {
  await store.recover('d2', 'p', 'start');
  const c = await store.claim('d2', 'p', 'cmcc', 10);
  t.same((c as any[]).map((x) => x.id), ['c']);
  await redis.del('t:lease:d2');
  t.match(await store.recover('d1', 'tok2', 'peers'), { requeued: 0, unknown: 0, resent: 1, peers: 1 }, 'maybe written by the peer: resent, as c asked');
  t.equal(await jobField(redis, 't:job:c', 'st'), 'queued');
  await redis.hset('t:job:c', 'rs', '0');
});

t.test('transient errors back off, then end in the dead-letter set', async (t) => {
  await store.claim('d1', 'tok2', 'cmcc', 10);
  t.same(await store.settle('d1', [{ act: 'retry', id: 'c', code: 'SMSC_TRANSIENT', error: 'x' }]), ['scheduled']);
  clock += 1000;
  const again = await store.claim('d1', 'tok2', 'cmcc', 10);
  t.same((again as any[]).map((x) => x.id), ['c'], 'promoted when due');
  t.same(await store.settle('d1', [{ act: 'retry', id: 'c', code: 'SMSC_TRANSIENT', error: 'x' }]), ['failed']);
  t.ok(await redis.zscore('t:dead', 'c'));
});

t.test('an expired job ends as expired at claim time and is never handed out', async (t) => {
  await store.ingest([job('e', { expiresAt: clock - 1 })]);
  t.same(await store.claim('d1', 'tok2', 'cmcc', 10), []);
  t.equal(await jobField(redis, 't:job:e', 'st'), 'expired');
});

t.test('OTP is claimed before transactional, and marketing keeps its share', async (t) => {
  const jobs = [];
  for (let i = 0; i < 20; i++) jobs.push(job(`m${i}`, { class: 'marketing' }));
  for (let i = 0; i < 20; i++) jobs.push(job(`t${i}`, { class: 'transactional' }));
  jobs.push(job('o1', { class: 'otp' }));
  await store.ingest(jobs);
  const c = (await store.claim('d1', 'tok2', 'cmcc', 10)) as any[];
  t.equal(c[0].id, 'o1');
  t.same(c.map((x) => x.otp), c.map((x) => x.id === 'o1'), 'the claim says which jobs are OTP');
  t.ok(c.some((x) => x.id.startsWith('m')), 'marketing got a share');
  t.ok(c.filter((x) => x.id.startsWith('t')).length >= 7);
});

t.test('restParts bounds transactional and marketing together, while OTP may take every part', async (t) => {
  const jobs = [];
  for (let i = 0; i < 10; i++) jobs.push(job(`rm${i}`, { class: 'marketing', carrier: 'keep' }));
  for (let i = 0; i < 10; i++) jobs.push(job(`rt${i}`, { class: 'transactional', carrier: 'keep' }));
  for (let i = 0; i < 3; i++) jobs.push(job(`ro${i}`, { class: 'otp', carrier: 'keep' }));
  await store.ingest(jobs);
  const first = (await store.claim('d1', 'tok2', 'keep', 10, 4)) as { id: string }[];
  t.same(first.slice(0, 3).map((x) => x.id), ['ro0', 'ro1', 'ro2'], 'every OTP, beyond restParts');
  t.equal(first.length, 7, '4 parts of the other classes');
  t.ok(first.slice(3).some((x) => x.id.startsWith('rm')), 'marketing keeps its share inside restParts');
  const credit = await redis.get('t:{keep}:mcredit');
  t.same(await store.claim('d1', 'tok2', 'keep', 10, 0), [], 'no OTP left: nothing when restParts is 0');
  t.equal(await redis.get('t:{keep}:mcredit'), credit, 'an OTP-only claim gives marketing no credit');
  const all = (await store.claim('d1', 'tok2', 'keep', 10)) as unknown[];
  t.equal(all.length, 10, 'restParts defaults to maxParts');
});

t.test('renewing a lease counts the live daemons, so carrier TPS is shared rather than multiplied', async (t) => {
  await store.recover('share-a', 'ta', 'start');
  await store.recover('share-b', 'tb', 'start');
  const first = await store.renewLease('share-a', 'ta', 0, 0);
  const live = first.held ? first.liveDaemons : 0;
  t.ok(live >= 2, `at least two daemons live (${live})`);
  await redis.del('t:lease:share-b');
  t.match(await store.renewLease('share-a', 'ta', 0, 0), { held: true, liveDaemons: live - 1 }, 'a daemon whose lease expired no longer counts');
  t.same(await store.renewLease('share-a', 'wrong', 0, 0), { held: false }, 'a wrong token is a lost lease');
});

t.test('a lease held by another token is not taken at start: recover says until when it runs, and writes nothing', async (t) => {
  await store.recover('twin', 'first', 'start');
  const res = await store.recover('twin', 'second', 'start');
  if (res.kind !== 'held-elsewhere') throw new Error(`held by another token, got ${res.kind}`);
  const [secs, micros] = await redis.time();
  const leftMs = res.expiryMs - (Number(secs) * 1000 + Math.floor(Number(micros) / 1000));
  t.ok(leftMs > 0 && leftMs <= cfg.queue.leaseMs, `its expiry is on Redis's clock, within leaseMs (${leftMs} ms left)`);
  t.equal(await redis.get('t:lease:twin'), 'first', 'the first token keeps the lease');
  t.match(await store.renewLease('twin', 'first', 0, 0), { held: true }, 'and can renew it');
  t.match(await store.recover('twin', 'third', 'start', 'first'), { kind: 'recovered' }, 'a retake naming the previous token replaces it');
  t.equal(await redis.get('t:lease:twin'), 'third');
  await store.releaseLease('twin', 'third', 1000);
});

t.test('a joining daemon learns how many live peers have not yet renewed with its join generation', async (t) => {
  const joinOf = async (d: string, tok: string) => {
    const r = await store.recover(d, tok, 'start');
    if (r.kind !== 'recovered' || r.join === undefined) throw new Error(`${d} did not take its lease`);
    return r.join;
  };
  const renewed = async (d: string, tok: string, applied: number, joining: number) => {
    const r = await store.renewLease(d, tok, applied, joining);
    if (!r.held) throw new Error(`${d} lost its lease`);
    return r;
  };
  const a = await joinOf('gen-a', 'ta');
  const b = await joinOf('gen-b', 'tb');
  t.ok(b.gen > a.gen, `each join takes a new generation (${a.gen} then ${b.gen})`);
  t.ok(b.livePeers >= 1, 'gen-b saw at least one live peer');
  const before = await renewed('gen-b', 'tb', b.gen, b.gen);
  t.ok(before.behind >= 1, `gen-a has not acknowledged yet (${before.behind} behind)`);
  const seenByA = await renewed('gen-a', 'ta', a.gen, 0);
  t.equal(seenByA.gen, (await redis.get('t:daemons:gen')) === null ? 0 : Number(await redis.get('t:daemons:gen')), 'a renewal reports the current generation');
  await store.renewLease('gen-a', 'ta', seenByA.gen, 0);
  t.equal(await redis.hget('t:daemons:seen', 'gen-a'), String(seenByA.gen), 'gen-a acknowledged it');
  for (const d of await redis.smembers('t:daemons')) if (d !== 'gen-a' && d !== 'gen-b') await redis.del(`t:lease:${d}`);
  t.equal((await renewed('gen-b', 'tb', b.gen, b.gen)).behind, 0, 'no live peer is behind any more');
  t.equal(await store.releaseLease('gen-b', 'tb', 1000), 1);
  t.ok((await redis.pttl('t:daemons:left')) > 0, 'a release is remembered for one rate window');
});

t.test('a job id with colons in it is matched to its receipt', async (t) => {
  await redis.del('t:lease:d1');
  await store.recover('d1', 'tok3', 'start');
  await store.ingest([job('p:1-0:x', { carrier: 'colon' })]);
  const claimed = await store.claim('d1', 'tok3', 'colon', 10);
  t.same((claimed as any[]).map((x) => x.id), ['p:1-0:x']);
  await store.settle('d1', [{ act: 'ok', id: 'p:1-0:x', msgIds: ['m-colon'], job: jobOf(claimed, 'p:1-0:x') }]);
  const r = await store.receipts([{ carrier: 'colon', messageId: 'm-colon', stat: 'DELIVRD', err: '000' }]);
  t.equal(JSON.stringify(r).includes('final'), true, `the receipt ends the job (${JSON.stringify(r)})`);
  t.equal(await jobField(redis, 't:job:p:1-0:x', 'st'), 'delivered');
});

t.test('a job with two entries in its lane is claimed once; a record twice in one settle is settled once', async (t) => {
  await store.ingest([job('twin', { carrier: 'twins' })]);
  await redis.rpush('t:{twins}:lane:transactional', 'twin body-twin');
  const c = await store.claim('d1', 'tok3', 'twins', 10);
  t.same((c as { id: string }[]).map((x) => x.id), ['twin'], 'the second entry is stale');
  t.equal(await redis.llen('t:{twins}:lane:transactional'), 0, 'and dropped');
  t.equal(await jobField(redis, 't:job:twin', 'st'), 'queued', 'the claim leaves the hash alone: the in-flight table says it is claimed');
  const rec = { act: 'ok' as const, id: 'twin', msgIds: ['m-twin'], job: jobOf(c, 'twin') };
  t.same(await store.settle('d1', [rec, rec]), ['submitted', 'skipped']);
  t.equal((await events()).filter((e) => e.id === 'twin').length, 1, 'one submitted event');
  t.equal(await redis.hlen('t:inflight:d1'), 0);
});

t.test('a queued job is as old as its stream entry id says, or its ts when it has one', async (t) => {
  t.equal(queuedAtMs([null, '1700000000123-4']), 1_700_000_000_123);
  t.equal(queuedAtMs(['1700000000999', 'revived']), 1_700_000_000_999);
  t.equal(queuedAtMs([null, 'revived']), 0);
  t.equal(queuedAtMs([null, null]), 0);
});
