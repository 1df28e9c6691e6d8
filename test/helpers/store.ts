/**
 * A QueueStore on a private redis-server for one test file: a config with the file's key prefix and one
 * carrier, cmcc (plus any sections given), a connected client, the consumer group made. All of it is
 * stopped at the owner's teardown.
 */
import { buildConfig } from '../../src/config/schema.js';
import type { Config } from '../../src/config/types.js';
import { createRedis, type Redis } from '../../src/store/redis.js';
import { QueueStore } from '../../src/store/queue-store.js';
import { removeRedisDir, startRedis, type TestRedis } from './redis-server.js';

export interface StoreFixture { srv: TestRedis; cfg: Config; redis: Redis; store: QueueStore }

export async function startStore(owner: { teardown(fn: () => unknown): void }, o: {
  prefix: string; config?: Record<string, unknown>; now?: () => number;
}): Promise<StoreFixture> {
  const srv = await startRedis();
  const cfg = buildConfig({
    redis: { url: srv.url, prefix: o.prefix }, carriers: [{ name: 'cmcc', host: '127.0.0.1', systemId: 'x' }], ...o.config,
  });
  const redis = createRedis(cfg.redis, 'test');
  owner.teardown(async () => { redis.disconnect(); await srv.stop(); removeRedisDir(srv); });
  await redis.connect();
  const store = new QueueStore(redis, cfg, o.now);
  await store.ensureGroup();
  return { srv, cfg, redis, store };
}
