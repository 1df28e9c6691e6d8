import { withOneChannel } from '../helpers/test-config.js';
import t from 'tap';
import pino from 'pino';
import { buildConfig } from '../../src/config/schema.js';
import { Carrier } from '../../src/carrier/carrier.js';
import { Metrics } from '../../src/obs/metrics.js';
import { Batcher } from '../../src/pipeline/batcher.js';
import { Dispatcher } from '../../src/pipeline/dispatcher.js';
import { LeaseKeeper } from '../../src/pipeline/lease-keeper.js';
import { encodeBody } from '../../src/smpp/pdu-codec.js';
import { createRedis } from '../../src/store/redis.js';
import { QueueStore, type SettleRecord, type SettleStatus } from '../../src/store/queue-store.js';
import type { JobClass, PreparedOk } from '../../src/types.js';
import { FakeSmsc } from '../helpers/fake-smsc.js';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';
import { until } from '../helpers/until.js';
import { jobField } from '../helpers/job.js';

// The dispatcher in this process, against a real Redis and a real SMPP peer over TCP.
const logger = pino({ level: 'silent' });
const srv = await startRedis();
t.teardown(async () => { await srv.stop(); removeRedisDir(srv); });

let seq = 1;
const job = (id: string, cls: JobClass): PreparedOk & { entryId: string } => ({
  ok: true, id, to: '+8613800138000', from: 'x', carrier: 'cm', class: cls,
  parts: [encodeBody('submit_sm', { destination_addr: '8613800138000', short_message: `text ${id}` })],
  fingerprint: '', sendAt: 0, expiresAt: 0, tz: 'Asia/Shanghai', quietHours: 'ignore', resend: false, entryId: `${seq++}-0`,
});

async function setup(t: any, prefix: string, opts: { commandTimeout?: number; leaseMs?: number; claimBatch?: () => number } = {}) {
  const cfg = buildConfig({
    redis: { url: srv.url, prefix },
    carriers: [{ name: 'cm', host: '127.0.0.1', systemId: 'x' }],
    queue: { leaseMs: opts.leaseMs ?? 10_000 },
  });
  const redis = createRedis(cfg.redis, 'test', opts.commandTimeout ? { commandTimeout: opts.commandTimeout, maxRetriesPerRequest: 0 } : {});
  await redis.connect();
  const probe = createRedis(cfg.redis, 'probe'); // the test's own reads, without the daemon connection's timeout
  await probe.connect();
  const store = new QueueStore(redis, cfg);
  await store.ensureGroup();
  const smsc = await FakeSmsc.start();
  const { channels: [one], ...own } = cfg.carriers[0]!;
  const carrier = new Carrier(withOneChannel({ ...own, ...one!, port: smsc.port, windowSize: 10, tps: 1000 }));
  carrier.start();
  await smsc.waitFor(() => carrier.bindsUp() === 1);
  const metrics = new Metrics({ carriers: ['cm'], version: 'test', defaultMetrics: false });
  let dispatcher: Dispatcher | undefined;
  const lease = new LeaseKeeper(store, 'd1', cfg.queue.leaseMs, () => dispatcher?.inFlight ?? 0, logger, metrics);
  await lease.acquire();
  lease.start();
  const writes: { batch: string; ids: string[] }[] = [];
  let openBulk: () => void = () => undefined;
  const bulkGate = new Promise<void>((res) => { openBulk = res; });
  const gated = { on: false };
  const settle = new Batcher<SettleRecord, SettleStatus>(async (recs) => {
    writes.push({ batch: 'bulk', ids: recs.map((r) => r.id) });
    if (gated.on) await bulkGate;
    return store.settle('d1', recs);
  }, { maxBatch: 200, retry: true, logger, name: 'settle' });
  const settleOtp = new Batcher<SettleRecord, SettleStatus>(async (recs) => {
    writes.push({ batch: 'otp', ids: recs.map((r) => r.id) });
    return store.settle('d1', recs);
  }, { maxBatch: 200, retry: true, logger, name: 'settle-otp' });
  dispatcher = new Dispatcher(carrier, {
    store, lease, settle, settleOtp, metrics, logger, daemon: 'd1', claimBatch: opts.claimBatch ?? (() => 100), idlePollMs: 20, otpWindowSlots: 0,
    normaliseId: (_channel, id) => id,
  });
  t.teardown(async () => {
    openBulk();
    await dispatcher!.stop();
    await carrier.close();
    await lease.release();
    await smsc.close();
    redis.disconnect();
    probe.disconnect();
  });
  const state = (id: string) => jobField(probe, `${prefix}job:${id}`, 'st');
  return { probe, store, smsc, dispatcher, writes, gated, openBulk, state };
}

t.test('an OTP is settled by a write of its own while a bulk settle write is still in flight', async (t) => {
  const s = await setup(t, 'a:');
  s.gated.on = true;
  await s.store.ingest([job('bulk-1', 'transactional'), job('bulk-2', 'marketing')]);
  s.dispatcher.start();
  await until('the bulk answers to reach their settle write', () => s.writes.some((w) => w.batch === 'bulk'), 5000);
  await s.store.ingest([job('otp-1', 'otp')]);
  s.dispatcher.wake(true);
  await until('the OTP submitted', async () => (await s.state('otp-1')) === 'submitted', 5000);
  t.equal(await s.probe.hexists('a:inflight:d1', 'bulk-1'), 1, 'the bulk write is still held back: bulk-1 is still in flight');
  t.equal(await s.state('bulk-1'), 'queued', 'its hash was not written by the claim');
  t.same(s.writes.filter((w) => w.batch === 'otp').flatMap((w) => w.ids), ['otp-1'], 'only the OTP went through the OTP batcher');
  s.openBulk();
  await until('the bulk jobs submitted', async () => (await s.state('bulk-1')) === 'submitted' && (await s.state('bulk-2')) === 'submitted', 5000);
  t.same(s.writes.filter((w) => w.batch === 'bulk').flatMap((w) => w.ids).sort(), ['bulk-1', 'bulk-2']);
});

t.test('a claim whose reply is lost is written once after the lease is taken again, not ended unknown', async (t) => {
  const s = await setup(t, 'b:', { commandTimeout: 100, leaseMs: 1000 });
  await s.store.ingest([job('lost-1', 'transactional')]);
  // The claim times out in the daemon while Redis is paused, and runs once the pause ends.
  await s.probe.client('PAUSE', 400, 'ALL');
  s.dispatcher.start();
  await until('the job submitted', async () => (await s.state('lost-1')) === 'submitted', 10_000);
  t.equal(s.smsc.commands('submit_sm').length, 1, 'written exactly once');
  const events = (await s.probe.xrange('b:events', '-', '+')).map(([, f]) => JSON.parse(f[1]!) as { state: string });
  t.notOk(events.some((e) => e.state === 'unknown'), 'no unknown event');
});

t.test('claimBatch is read at every claim: lowered while running, the next claims take at most the new number', async (t) => {
  let claimBatch = 100;
  const s = await setup(t, 'cb:', { claimBatch: () => claimBatch });
  // Each claim's `cap` (most parts it may take), recorded on the way to the real script.
  const caps: number[] = [];
  const claim = s.store.claim.bind(s.store);
  s.store.claim = (daemon, token, carrier, cap, rest) => { caps.push(cap); return claim(daemon, token, carrier, cap, rest); };
  await s.store.ingest(Array.from({ length: 6 }, (_, i) => job(`cb-a${i}`, 'transactional')));
  s.dispatcher.start();
  await until('the first six submitted', async () => (await Promise.all([0, 1, 2, 3, 4, 5].map((i) => s.state(`cb-a${i}`)))).every((st) => st === 'submitted'), 10_000);
  t.ok(Math.max(...caps) > 1, `claims took up to ${Math.max(...caps)} parts at claimBatch 100 (the window's 10 free slots)`);
  claimBatch = 1;
  const from = caps.length;
  await s.store.ingest(Array.from({ length: 6 }, (_, i) => job(`cb-b${i}`, 'transactional')));
  s.dispatcher.wake();
  await until('the next six submitted', async () => (await Promise.all([0, 1, 2, 3, 4, 5].map((i) => s.state(`cb-b${i}`)))).every((st) => st === 'submitted'), 10_000);
  const after = caps.slice(from + 1); // the one claim that may have been under way at the change aside
  t.ok(after.length >= 5, `${after.length} claims for the six`);
  t.same(after.filter((c) => c > 1), [], 'every later claim took at most one part');
});
