import t from 'tap';
import { Redis } from 'ioredis';
import { encodeXadds, openFeeder, ReplyCounter } from '../../bench/lib/xadd-feeder.js';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';

const srv = await startRedis();
t.teardown(async () => { await srv.stop(); removeRedisDir(srv); });

t.test('the bench feeder\'s pre-encoded XADDs reach the stream whole, in order, Chinese text included', async (t) => {
  const redis = new Redis(srv.url);
  t.teardown(() => redis.disconnect());
  const payloads = Array.from({ length: 2500 }, (_, i) => JSON.stringify({ id: `f-${i}`, text: i % 2 ? '您的验证码是123456' : 'code 123456' }));
  const buffers = encodeXadds('f:jobs', payloads, 1000);
  t.equal(buffers.length, 3, 'one buffer per 1,000 commands');
  const feeder = await openFeeder(srv.url);
  t.teardown(() => feeder.close());
  await feeder.write(buffers, payloads.length);
  t.equal(await redis.xlen('f:jobs'), 2500);
  const entries = await redis.xrange('f:jobs', '-', '+');
  t.same(entries.map(([, f]) => f[1]), payloads);
  t.same(entries[0]![1][0], 'job');
});

t.test('an error reply from Redis fails the feed with its text', async (t) => {
  const redis = new Redis(srv.url);
  t.teardown(() => redis.disconnect());
  await redis.set('f:string', 'x');
  const feeder = await openFeeder(srv.url);
  t.teardown(() => feeder.close());
  await t.rejects(feeder.write(encodeXadds('f:string', ['{}']), 1), /WRONGTYPE/);
});

t.test('replies split anywhere across reads are counted once each', async (t) => {
  const replies = Buffer.from('$15\r\n1700000000000-0\r\n$15\r\n1700000000000-1\r\n$-1\r\n');
  for (let cut = 1; cut < replies.length; cut++) {
    const c = new ReplyCounter();
    c.push(replies.subarray(0, cut));
    c.push(replies.subarray(cut));
    t.equal(c.count, 3, `cut at ${cut}`);
  }
  t.throws(() => new ReplyCounter().push(Buffer.from(':1\r\n')), /unexpected reply/);
});
