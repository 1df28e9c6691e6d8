import t from 'tap';
import { Redis } from 'ioredis';
import { ioredisVersion, measureReplyDecode } from '../../bench/lib/reply-decode.js';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';

const srv = await startRedis();
t.teardown(async () => { await srv.stop(); removeRedisDir(srv); });

t.test('the reply-decode figure counts every entry read and leaves no key behind', async (t) => {
  const redis = new Redis(srv.url);
  t.teardown(() => redis.disconnect());
  const r = await measureReplyDecode(redis, 'rd:jobs', ['{"to":"+8613800138000","text":"您的验证码是123456"}', '{"to":"+8613900139000","text":"code"}'], 25);
  t.equal(r.entries, 2500, '25 reads of 100 entries; the warm-up reads are not counted');
  t.ok(r.cpuUsPerEntry > 0 && Number.isFinite(r.cpuUsPerEntry));
  t.equal(r.version, ioredisVersion());
  t.equal(await redis.exists('rd:jobs'), 0);
});

t.test('the bench reports the ioredis the daemon runs with: 5.11, whose parser the figures were measured on', async (t) => {
  // docs/ARCHITECTURE.md: 6.0's reply decoder costs the I/O thread about 4× as much.
  t.match(ioredisVersion(), /^5\.11\./);
});
