import t, { type Test } from 'tap';
import pino from 'pino';
import { buildConfig } from '../../src/config/schema.js';
import { Metrics } from '../../src/obs/metrics.js';
import { Intake } from '../../src/pipeline/intake.js';
import { createRedis } from '../../src/store/redis.js';
import { INGEST_CALL_JOBS, QueueStore } from '../../src/store/queue-store.js';
import type { Prepared, RawJob } from '../../src/types.js';
import { InlinePreparer } from '../../src/prepare/inline-prepare.js';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';
import { until } from '../helpers/until.js';

// The intake in this process, reading a real stream on a real Redis, preparing on this thread.
const srv = await startRedis();
t.teardown(async () => { await srv.stop(); removeRedisDir(srv); });

/** A config with intake.batchSize, a command connection, the intake's blocking one and a store, under `prefix`. */
async function setup(t: Test, prefix: string, batchSize: number) {
  const cfg = buildConfig({
    redis: { url: srv.url, prefix },
    carriers: [{ name: 'cmcc', host: '127.0.0.1', systemId: 'x', prefixes: ['86'] }],
    intake: { batchSize },
    care: { quietHours: { start: '00:00', end: '00:00' }, caps: {} },
  });
  const redis = createRedis(cfg.redis, 'test');
  const reader = createRedis(cfg.redis, 'reader', { maxRetriesPerRequest: null });
  await redis.connect();
  await reader.connect();
  t.teardown(() => { redis.disconnect(); reader.disconnect(); });
  const store = new QueueStore(redis, cfg);
  await store.ensureGroup();
  return { cfg, redis, reader, store };
}

t.test('a 500-entry batch is prepared and ingested in chunks of 100, with the event loop free between chunks', async (t) => {
  const { cfg, redis, reader, store } = await setup(t, 'i:', 500);
  const p = redis.pipeline();
  for (let i = 0; i < 500; i++) {
    p.xadd('i:jobs', '*', 'job', JSON.stringify({ id: `bulk-${i}`, to: '13800138000', text: `sale ${i}`, class: 'marketing' }));
  }
  await p.exec();

  // Each prepare call notes whether a callback queued with setImmediate during the first call has run.
  const inline = new InlinePreparer(cfg);
  const calls: { jobs: number; turnRan: boolean }[] = [];
  let turnRan = false;
  const pool = {
    prepare: (raws: RawJob[], over?: Record<string, string>): Promise<Prepared[]> => {
      if (calls.length === 0) setImmediate(() => { turnRan = true; });
      calls.push({ jobs: raws.length, turnRan });
      return inline.prepare(raws, over);
    },
  };
  let queued = 0;
  const intake = new Intake({
    store, reader, pool, consumer: 'c1', config: () => cfg, logger: pino({ level: 'silent' }),
    metrics: new Metrics({ carriers: ['cmcc'], version: 'test', defaultMetrics: false }),
    streams: ['i:jobs'], onQueued: () => { queued++; },
  });
  t.teardown(() => intake.stop());
  intake.start();
  await until('the batch ingested', async () => (await redis.llen(store.keys.lane('cmcc', 'marketing'))) >= 500, 10_000);
  // The last chunk's reply and the LLEN above share a connection, but the intake's wake-up runs a few
  // promise turns after that reply: stopping waits for every batch in hand, so `queued` is final.
  await intake.stop();
  t.same(calls.map((c) => c.jobs), [100, 100, 100, 100, 100], `prepared in chunks of ${INGEST_CALL_JOBS}`);
  t.equal(calls[0]!.turnRan, false);
  t.ok(calls.slice(1).every((c) => c.turnRan), 'the event loop turned before the second chunk');
  t.equal(queued, 1, 'the dispatchers are woken once for the batch');
  const groups = (await redis.xinfo('GROUPS', 'i:jobs')) as unknown[][];
  t.equal(Number(groups[0]![groups[0]!.indexOf('pending') + 1]), 0, 'every entry acknowledged');
});

t.test('while OTPs come, the bulk intake reads quarter batches; otherwise whole ones', async (t) => {
  const { cfg, redis, reader, store } = await setup(t, 'h:', 40);
  const inline = new InlinePreparer(cfg);
  for (const [otpActive, want] of [[true, 10], [false, 40]] as const) {
    const p = redis.pipeline();
    for (let i = 0; i < 80; i++) {
      p.xadd('h:jobs', '*', 'job', JSON.stringify({ id: `${String(otpActive)}-${i}`, to: '13800138000', text: `sale ${i}`, class: 'marketing' }));
    }
    await p.exec();
    const sizes: number[] = [];
    const intake = new Intake({
      store, reader, consumer: 'c1', config: () => cfg, logger: pino({ level: 'silent' }),
      pool: { prepare: (raws, over) => { sizes.push(raws.length); return inline.prepare(raws, over); } },
      metrics: new Metrics({ carriers: ['cmcc'], version: 'test', defaultMetrics: false }),
      streams: ['h:jobs'], onQueued: () => undefined, otpActive: () => otpActive,
    });
    intake.start();
    await until('every entry stored', async () => sizes.reduce((a, b) => a + b, 0) >= 80, 10_000);
    await intake.stop();
    t.ok(sizes.every((n) => n <= want) && sizes.some((n) => n === want), `OTPs ${otpActive ? 'coming' : 'absent'}: batches of ${want} (${sizes.join(', ')})`);
  }
});
