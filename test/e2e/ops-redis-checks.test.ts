import t from 'tap';
import { startStack } from '../helpers/stack.js';

t.test('a daemon whose Redis may evict keys says so at start, and still runs', async (t) => {
  const { redis, spawnDaemon } = await startStack(t, { carriers: ['cmcc'], daemon: false, aof: true });
  await redis.config('SET', 'maxmemory', '1gb');
  await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
  const daemon = spawnDaemon();
  await daemon.waitFor(/smppd running/);
  const lines = daemon.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  const evict = lines.find((l) => l.check === 'maxmemory-policy');
  t.match(evict, { level: 40, seen: 'maxmemory 1073741824, maxmemory-policy allkeys-lru', msg: /set maxmemory-policy noeviction/ });
  t.notOk(lines.some((l) => l.check === 'appendonly'), 'its Redis keeps an AOF: no warning about that');
});
