import t from 'tap';
import { buildConfig } from '../../src/config/schema.js';
import { createRedis } from '../../src/store/redis.js';
import { QueueStore, packBodies, unpackBodies } from '../../src/store/queue-store.js';
import type { PreparedOk } from '../../src/types.js';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';
import { jobOf } from '../helpers/prepared-job.js';

const srv = await startRedis();
const cfg = buildConfig({ redis: { url: srv.url, prefix: 'b:' }, carriers: [{ name: 'cmcc', host: '127.0.0.1', systemId: 'x' }] });
const redis = createRedis(cfg.redis, 'test');
await redis.connect();
const store = new QueueStore(redis, cfg);
await store.ensureGroup();
t.teardown(async () => { redis.disconnect(); await srv.stop(); removeRedisDir(srv); });
await store.recover('d1', 'tok', 'start');

// Two UCS2 parts of 140+ octets each: far over hash-max-listpack-value (64 B).
const bodies = [Buffer.alloc(160, 0x4e), Buffer.alloc(150, 0x8b)];
const job = (id: string, entryId: string): PreparedOk & { entryId: string } => ({
  ok: true, id, to: '+8613800138000', from: 'x', carrier: 'cmcc', class: 'transactional', parts: bodies,
  fingerprint: '', sendAt: 0, expiresAt: 0, tz: 'Asia/Shanghai', quietHours: 'ignore', resend: false, entryId,
});

t.test('bodies live beside the job hash, which stays compact, and are gone once the job is submitted', async (t) => {
  t.same(await store.ingest([job('big', '1-0')]), ['queued']);
  t.equal(await redis.strlen(store.keys.body('big')), 2 + 160 + 2 + 150, 'one value: each part behind its length');
  t.equal(await redis.object('ENCODING', store.keys.job('big')), 'listpack', 'the job hash holds no long value');
  const claimed = await store.claim('d1', 'tok', 'cmcc', 10);
  t.not(claimed, 'lease-lost');
  const parts = (claimed as { id: string; parts: Buffer[] }[])[0]!.parts;
  t.ok(parts[0]!.equals(bodies[0]!) && parts[1]!.equals(bodies[1]!), 'claim returns the bodies byte for byte, in order');
  await store.settle('d1', [{ act: 'ok', id: 'big', msgIds: ['m1', 'm2'], job: jobOf(claimed, 'big') }]);
  t.equal(await redis.exists(store.keys.body('big')), 0, 'bodies dropped at submit');
  t.equal(await redis.object('ENCODING', store.keys.job('big')), 'listpack');
});

t.test('a one-part job keeps its body as it is, and claim hands it back unchanged', async (t) => {
  const one = { ...job('one', '2-0'), parts: [Buffer.from('0001020304', 'hex')] };
  t.same(await store.ingest([one]), ['queued']);
  t.same(await redis.getBuffer(store.keys.body('one')), Buffer.from('0001020304', 'hex'));
  const claimed = await store.claim('d1', 'tok', 'cmcc', 10) as { id: string; parts: Buffer[] }[];
  t.same(claimed.map((c) => [c.id, c.parts.map((p) => p.toString('hex'))]), [['one', ['0001020304']]]);
  await store.settle('d1', [{ act: 'requeue', id: 'one' }]);
  await redis.del(store.keys.lane('cmcc', 'transactional'));
});

t.test('a job queued by an older version, its bodies in a list, is claimed with every part', async (t) => {
  t.same(await store.ingest([job('old', '3-0')]), ['queued']);
  await redis.del(store.keys.body('old'));
  await redis.rpush(store.keys.body('old'), bodies[0]!, bodies[1]!);
  const claimed = await store.claim('d1', 'tok', 'cmcc', 10) as { id: string; parts: Buffer[] }[];
  t.equal(claimed.length, 1);
  t.equal(claimed[0]!.id, 'old');
  t.ok(claimed[0]!.parts.length === 2 && claimed[0]!.parts[0]!.equals(bodies[0]!) && claimed[0]!.parts[1]!.equals(bodies[1]!),
    'both parts, byte for byte');
});

t.test('packBodies and unpackBodies are inverse for 1, 2 and 3 parts, empty parts included', async (t) => {
  for (const parts of [[Buffer.from('ab')], [Buffer.from('a'), Buffer.alloc(0)], [Buffer.alloc(300, 1), Buffer.from('x'), Buffer.alloc(70000 - 69990, 2)]]) {
    t.same(unpackBodies(packBodies(parts), parts.length).map((p) => p.toString('hex')), parts.map((p) => p.toString('hex')));
  }
  t.throws(() => packBodies([Buffer.alloc(1), Buffer.alloc(0x10000)]), /cannot be stored/);
});
