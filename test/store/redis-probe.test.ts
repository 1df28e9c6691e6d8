import t from 'tap';
import { Redis } from 'ioredis';
import { RedisProbe } from '../../src/store/redis-probe.js';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';
import { until } from '../helpers/until.js';

// DEBUG SLEEP stands for a Redis that hangs with its connections up (redis-server 7 refuses DEBUG unless enabled).
const srv = await startRedis({ args: ['--enable-debug-command', 'local'] });
const redis = new Redis(srv.url);
const admin = new Redis(srv.url);
t.teardown(async () => {
  redis.disconnect();
  admin.disconnect();
  await srv.stop();
  removeRedisDir(srv);
});

t.test('silentMs is 0 while Redis answers, the wait once a PING is unanswered past the bound, and 0 again after', async (t) => {
  const probe = new RedisProbe(redis, 300, 50);
  t.teardown(() => probe.stop());
  await redis.ping();
  probe.start();
  await new Promise((r) => setTimeout(r, 200));
  t.equal(probe.silentMs, 0, 'Redis answers');
  const sleeping = admin.call('DEBUG', 'SLEEP', '2');
  await until('the probe to notice the hang', () => probe.silentMs > 300);
  t.equal(redis.status, 'ready', 'the connection itself is up all along');
  await sleeping;
  await until('the probe to see answers again', () => probe.silentMs === 0);
  t.pass('answering again');
});

t.test('stop() is idempotent and forgets an unanswered PING', async (t) => {
  const probe = new RedisProbe(redis, 100, 20);
  probe.start();
  const sleeping = admin.call('DEBUG', 'SLEEP', '1');
  await until('a silent Redis', () => probe.silentMs > 0);
  probe.stop();
  probe.stop();
  t.equal(probe.silentMs, 0);
  await sleeping;
});
