import t from 'tap';
import { Redis } from 'ioredis';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';
import { redisWarnings } from '../../src/store/redis-checks.js';

async function warningsOf(t: any, opts: Parameters<typeof startRedis>[0]): Promise<string[]> {
  const srv = await startRedis(opts);
  const r = new Redis(srv.url);
  t.teardown(async () => { r.disconnect(); await srv.stop(); removeRedisDir(srv); });
  return (await redisWarnings(r)).map((w) => `${w.check}: ${w.seen}`);
}

t.test('a Redis with an AOF and no memory limit raises no warning', async (t) => {
  t.same(await warningsOf(t, { aof: true }), []);
});

t.test('a memory limit with noeviction raises none: Redis refuses writes when full instead of dropping keys', async (t) => {
  t.same(await warningsOf(t, { aof: true, args: ['--maxmemory', '64mb', '--maxmemory-policy', 'noeviction'] }), []);
});

t.test('an eviction policy under a memory limit, and no AOF, are each named with what Redis said', async (t) => {
  t.same(await warningsOf(t, { aof: false, args: ['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru'] }), [
    'maxmemory-policy: maxmemory 67108864, maxmemory-policy allkeys-lru',
    'appendonly: appendonly no',
  ]);
});

t.test('an eviction policy without a memory limit evicts nothing and raises no warning', async (t) => {
  t.same(await warningsOf(t, { aof: true, args: ['--maxmemory-policy', 'volatile-lru'] }), []);
});
