import t from 'tap';
import { Redis } from 'ioredis';
import { runFloor, type FloorStep } from '../../bench/lib/redis-floor.js';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';

const srv = await startRedis();
t.teardown(async () => { await srv.stop(); removeRedisDir(srv); });

t.test('the Redis floor leaves the states a delivered job leaves: ended hash, both events, no lane or in-flight entry', async (t) => {
  const redis = new Redis(srv.url);
  t.teardown(() => redis.disconnect());
  const seen: [FloorStep, number][] = [];
  await runFloor(redis, 'fl:', 250, 'a', async (name, jobs, fn) => { seen.push([name, jobs]); await fn(); });
  t.same(seen, [['ingest', 250], ['claim', 250], ['settle', 250], ['receipts', 250]], 'four steps, each over every job, in order');
  t.equal(await redis.xlen('fl:events'), 500, 'a submitted and a delivered event per job');
  t.equal(await redis.llen('fl:lane'), 0, 'the claim took every lane entry (250 jobs: two full batches and a half)');
  t.equal(await redis.hlen('fl:inflight'), 0, 'settle removed every in-flight entry');
  t.equal(await redis.hlen('fl:dlr'), 250, 'one receipt mapping per job');
  t.same(await redis.hmget('fl:job:a-249', 'st', 'p1', 'ids'), ['delivered', 'DELIVRD', '["ma-249"]']);
  t.ok((await redis.pttl('fl:job:a-0')) > 0, 'an ended job expires');
  t.equal(await redis.exists('fl:dedup:a-17'), 1);
});

t.test('a failed command in the floor fails the step instead of being counted', async (t) => {
  const redis = new Redis(srv.url);
  t.teardown(() => redis.disconnect());
  await redis.set('fl2:lane', 'not a list');
  await t.rejects(runFloor(redis, 'fl2:', 10, 'b', async (_n, _j, fn) => { await fn(); }), /WRONGTYPE/);
});

t.test('the floor of one state field per job leaves a state string, both events and the receipt mapping, and no job hash', async (t) => {
  const redis = new Redis(srv.url);
  t.teardown(() => redis.disconnect());
  await runFloor(redis, 'fg:', 250, 'c', async (_n, _j, fn) => { await fn(); }, 'field');
  t.equal(await redis.xlen('fg:events'), 500, 'a submitted and a delivered event per job');
  t.equal(await redis.llen('fg:lane'), 0);
  t.equal(await redis.hlen('fg:inflight'), 0);
  t.equal(await redis.type('fg:job:c-249'), 'string', 'the state is a string, not a hash');
  t.equal(await redis.get('fg:job:c-249'), 'd');
  t.ok((await redis.pttl('fg:job:c-0')) > 0, 'an ended job expires');
  t.match(await redis.hget('fg:dlr', 'mc-3'), /^c-3:1 cmcc transactional \d+ \+86/, 'the mapping carries what the receipt reads');
});
