import t from 'tap';
import { buildConfig } from '../../src/config/schema.js';
import { createRedis } from '../../src/store/redis.js';
import { QueueStore } from '../../src/store/queue-store.js';
import { offsetChangesAfter } from '../../src/care/zone-time.js';
import type { PreparedOk } from '../../src/types.js';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';
import { jobOf } from '../helpers/prepared-job.js';

// The care rules in the scripts themselves, with two connections standing for two daemons.
const srv = await startRedis();
const cfg = buildConfig({
  redis: { url: srv.url, prefix: 'c:' },
  carriers: [{ name: 'cmcc', host: '127.0.0.1', systemId: 'x' }],
});
const conns = [createRedis(cfg.redis, 'a'), createRedis(cfg.redis, 'b')];
for (const c of conns) await c.connect();
let clock = Date.parse('2030-01-15T12:59:30Z'); // 20:59:30 in Shanghai
const [storeA, storeB] = conns.map((c) => new QueueStore(c, cfg, () => clock));
await storeA!.ensureGroup();
await storeA!.recover('d1', 'tok', 'start');
t.teardown(async () => { for (const c of conns) c.disconnect(); await srv.stop(); removeRedisDir(srv); });

let seq = 1;
const job = (id: string, over: Partial<PreparedOk> = {}): PreparedOk & { entryId: string } => ({
  ok: true, id, to: '+8613800138000', from: 'x', carrier: 'cmcc', class: 'marketing', parts: [Buffer.from('b')],
  fingerprint: '', sendAt: 0, expiresAt: 0, tz: 'Asia/Shanghai', quietHours: 'respect', resend: false,
  entryId: `${seq++}-0`, ...over,
});
const redis = conns[0]!;
const events = async (id: string) => (await redis.xrange('c:events', '-', '+')).map(([, f]) => JSON.parse(f[1]!)).filter((e) => e.id === id);

t.test('two daemons ingesting the same dedup fingerprints at once accept each fingerprint exactly once', async (t) => {
  const batch = (store: QueueStore, tag: string) => store.ingest(
    Array.from({ length: 50 }, (_, i) => job(`${tag}-${i}`, { to: `+86138001${String(i).padStart(5, '0')}`, class: 'otp', fingerprint: `fp-${i}` })),
  );
  const [a, b] = await Promise.all([batch(storeA!, 'a'), batch(storeB!, 'b')]);
  for (let i = 0; i < 50; i++) {
    t.same([a![i], b![i]].sort(), ['queued', 'rejected:DUPLICATE'], `fingerprint ${i}: one accepted, one DUPLICATE`);
  }
  t.ok((await redis.pttl('c:dedup:fp-0')) > 0, 'the fingerprint expires with the dedup window');
  await redis.del('c:{cmcc}:lane:otp'); // the next tests claim from an empty carrier
});

t.test('a job queued at 20:59 and claimed at 21:00 goes back to the schedule until 08:00', async (t) => {
  t.same(await storeA!.ingest([job('late', { utcOffsetMin: 480 })]), ['queued']);
  clock = Date.parse('2030-01-15T13:00:10Z');
  t.same(await storeA!.claim('d1', 'tok', 'cmcc', 10), [], 'nothing to send');
  const ev = await events('late');
  t.same(ev.map((e) => [e.state, e.reason, e.sendAt]), [['scheduled', 'quiet-hours', Date.parse('2030-01-16T00:00:00Z')]]);
  clock = Date.parse('2030-01-16T00:00:00Z');
  const c = (await storeA!.claim('d1', 'tok', 'cmcc', 10)) as { id: string }[];
  t.same(c.map((x) => x.id), ['late'], 'claimed at 08:00');
  await storeA!.settle('d1', [{ act: 'unknown', id: 'late' }]);
});

// London: quiet 21:00-08:00 local; 2030-03-31 01:00 UTC to BST (+60), 2030-10-27 01:00 UTC back to GMT (+0).
const london = (id: string, at: string): PreparedOk & { entryId: string } => {
  const off = at.startsWith('2030-10') ? 60 : 0;
  return job(id, { to: '+447700900000', tz: 'Europe/London', utcOffsetMin: off, offsetChanges: offsetChangesAfter('Europe/London', Date.parse(at)) });
};

t.test('a job queued before the autumn change and claimed after it is checked with the offset then in force', async (t) => {
  clock = Date.parse('2030-10-26T19:30:00Z'); // 20:30 BST: allowed
  t.same(await storeA!.ingest([london('fall', '2030-10-26T19:30:00Z')]), ['queued']);
  clock = Date.parse('2030-10-27T07:30:00Z'); // 07:30 GMT: quiet (08:30 with the offset of its send time)
  t.same(await storeA!.claim('d1', 'tok', 'cmcc', 10), [], 'not sent at 07:30 local');
  t.same((await events('fall')).map((e) => [e.state, e.reason, e.sendAt]), [['scheduled', 'quiet-hours', Date.parse('2030-10-27T08:00:00Z')]],
    'until 08:00 GMT');
  await redis.del('c:{cmcc}:sched');
});

t.test('a quiet night across the spring change ends at 08:00 on the new clock, not an hour late', async (t) => {
  clock = Date.parse('2030-03-30T20:30:00Z'); // 20:30 GMT: allowed
  t.same(await storeA!.ingest([london('spring', '2030-03-30T20:30:00Z')]), ['queued']);
  clock = Date.parse('2030-03-30T21:30:00Z'); // 21:30 GMT: quiet
  t.same(await storeA!.claim('d1', 'tok', 'cmcc', 10), []);
  t.same((await events('spring')).map((e) => [e.state, e.reason, e.sendAt]), [['scheduled', 'quiet-hours', Date.parse('2030-03-31T07:00:00Z')]],
    '08:00 BST');
  await redis.del('c:{cmcc}:sched');
  clock = Date.parse('2030-01-15T12:59:30Z');
});

t.test('the cap is taken at intake and given back when the SMSC refuses every part, never after a submit', async (t) => {
  const cap = { key: 'marketing:m2030-01:+8613900000001', limit: 2, expireAtMs: Date.parse('2030-01-31T17:00:00Z') };
  const to = '+8613900000001';
  t.same(await storeA!.ingest([job('c1', { to, cap }), job('c2', { to, cap }), job('c3', { to, cap })]),
    ['queued', 'queued', 'rejected:OVER_CAP']);
  t.equal(await redis.get('c:cap:' + cap.key), '2');
  const claimed = await storeA!.claim('d1', 'tok', 'cmcc', 10);
  await storeA!.settle('d1', [
    { act: 'fail', id: 'c1', code: 'SMSC_REJECTED', error: 'command_status 0x0000000b' },
    { act: 'ok', id: 'c2', msgIds: ['m1'], job: jobOf(claimed, 'c2') },
  ]);
  t.equal(await redis.get('c:cap:' + cap.key), '1', 'the failed job gave its count back, the submitted one did not');
  await storeA!.settle('d1', [{ act: 'fail', id: 'c1', code: 'SMSC_REJECTED', error: 'again' }]);
  t.equal(await redis.get('c:cap:' + cap.key), '1', 'a replayed settle gives nothing back twice');
  t.same(await storeA!.ingest([job('c4', { to, cap })]), ['queued'], 'the freed place is used again');
});
