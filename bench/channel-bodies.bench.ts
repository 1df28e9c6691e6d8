/**
 * Redis bytes per queued job when its carrier has one SMPP channel (bodies untagged) and when it has a
 * CMPP 3.0 and an SMPP channel (one body set each, tagged): N jobs prepared and ingested into a private
 * redis-server, INFO used_memory after minus before, and the stored bodies' own size. The benchmark's
 * texts (GSM-20 and ZH-70 alternating, one part each) and the same with a two-part Chinese text.
 * Run: node --import tsx bench/channel-bodies.bench.ts
 */
import { Redis } from 'ioredis';
import { packChannelBodies } from '../src/store/bodies.js';
import { QueueStore } from '../src/store/queue-store.js';
import type { Config } from '../src/config/types.js';
import type { Prepared, PreparedOk } from '../src/types.js';
import { buildPrepareContext, prepareJob } from '../src/prepare/prepare.js';
import { removeRedisDir, startRedis } from '../test/helpers/redis-server.js';
import { testConfig } from '../test/helpers/test-config.js';
import { twoChannelCarrier } from '../test/helpers/two-channels.js';
import { jobPayloads } from './lib/jobs.js';
import { redisUsedMemory } from './lib/proc.js';

const N = 20_000;
const LONG = '您'.repeat(100); // two parts on both channels

async function measure(cfg: Config, payloads: string[]): Promise<{ redisBytes: number; bodyBytes: number }> {
  const srv = await startRedis();
  const redis = new Redis(srv.url);
  try {
    const store = new QueueStore(redis, cfg);
    await store.ensureGroup();
    const ctx = buildPrepareContext(cfg);
    const now = Date.now();
    const jobs = payloads.map((payload, i) => {
      const p: Prepared = prepareJob({ entryId: `1-${i}`, payload }, ctx, now);
      if (!p.ok) throw new Error(`rejected ${p.code}`);
      return { ...p, entryId: `1-${i}` } as PreparedOk & { entryId: string };
    });
    const bodyBytes = jobs.reduce((n, j) => n + packChannelBodies(j).length, 0) / jobs.length;
    const before = await redisUsedMemory(redis);
    for (let i = 0; i < jobs.length; i += 100) await store.ingest(jobs.slice(i, i + 100));
    return { redisBytes: ((await redisUsedMemory(redis)) - before) / jobs.length, bodyBytes };
  } finally {
    redis.disconnect();
    await srv.stop();
    removeRedisDir(srv);
  }
}

const one = testConfig({ redis: { url: '', prefix: 'smppd:' } });
const two = testConfig({ redis: { url: '', prefix: 'smppd:' }, carriers: [twoChannelCarrier('3.0', ['86'])], routing: { countryCode: '86', default: 'cmcc' } });
const long = jobPayloads(N, 'l').map((p) => JSON.stringify({ ...JSON.parse(p), text: LONG }));
for (const [label, payloads] of [['GSM-20 and ZH-70, 1 part', jobPayloads(N, 'b')], ['ZH-100, 2 parts', long]] as const) {
  const a = await measure(one, payloads);
  const b = await measure(two, payloads);
  console.log(`${label}: one SMPP channel ${a.redisBytes.toFixed(0)} B/job (bodies ${a.bodyBytes.toFixed(0)} B), `
    + `CMPP 3.0 + SMPP ${b.redisBytes.toFixed(0)} B/job (bodies ${b.bodyBytes.toFixed(0)} B)`);
}
