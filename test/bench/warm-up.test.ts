import t from 'tap';
import { Redis } from 'ioredis';
import { daemonExtra, eventsPerJob, forks, rewrites, warmUp } from '../../bench/lib/warm-up.js';
import { openFeeder } from '../../bench/lib/xadd-feeder.js';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';

const srv = await startRedis({ aof: true });
t.teardown(async () => { await srv.stop(); removeRedisDir(srv); });

t.test('the second and later daemons on one Redis get an instanceId of their own, and pool threads only when asked', async (t) => {
  t.same(daemonExtra(0, undefined), {}, 'the first keeps the bench\'s own id and the shipped inline prepare');
  t.same(daemonExtra(1, 0), { instanceId: 'bench2' });
  t.same(daemonExtra(2, 2), { instanceId: 'bench3', pool: { threads: 2, batchSize: 100 } });
  t.same(daemonExtra(1, 2, { log: { level: 'warn' } }), { instanceId: 'bench2', pool: { threads: 2, batchSize: 100 }, log: { level: 'warn' } });
});

t.test('a run says when Redis rewrote its AOF while the clock ran', async (t) => {
  t.equal(rewrites({ aofRewrites: 0 }), '');
  t.equal(rewrites({ aofRewrites: 1 }), ' (1 AOF rewrite in it)');
  t.equal(rewrites({ aofRewrites: 2 }), ' (2 AOF rewrites in it)');
  t.equal(eventsPerJob(false), 1, '`submitted`');
  t.equal(eventsPerJob(true), 2, '`submitted` and `delivered`');
});

t.test('the warm-up feeds its jobs, waits for an event of each and leaves the AOF rewritten', async (t) => {
  const redis = new Redis(srv.url);
  const feeder = await openFeeder(srv.url);
  t.teardown(() => { feeder.close(); redis.disconnect(); });
  await redis.xadd('smppd:events', '*', 'event', '{"id":"before"}'); // an earlier run's event is not counted as one of these
  // Standing in for the daemon: one `submitted` event per job that reached the stream.
  let done = 0;
  let stop = false;
  const daemon = (async () => {
    while (!stop) {
      const n = await redis.xlen('smppd:jobs');
      for (; done < n; done++) await redis.xadd('smppd:events', '*', 'event', `{"n":${done}}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const forks0 = await forks(redis);
  const events = await warmUp(redis, feeder, { jobs: 300, receipts: false, tag: 'wt' });
  stop = true;
  await daemon;
  t.equal(await redis.xlen('smppd:jobs'), 300, 'every warm-up job was XADDed');
  t.equal(events, 301, 'it returns the events stream\'s length once each job had its event');
  t.ok((await forks(redis)) > forks0, 'the AOF was rewritten (a fork) before it returned');
  t.match(await redis.info('persistence'), /aof_rewrite_in_progress:0/);
  const first = await redis.xrange('smppd:jobs', '-', '+', 'COUNT', 1);
  t.match(first[0]![1][1], /"id":"wtw-0"/, 'warm-up jobs carry ids of their own');
});

t.test('no warm-up asked: nothing is fed and nothing rewritten', async (t) => {
  const redis = new Redis(srv.url);
  const feeder = await openFeeder(srv.url);
  t.teardown(() => { feeder.close(); redis.disconnect(); });
  const jobs0 = await redis.xlen('smppd:jobs');
  const forks0 = await forks(redis);
  t.equal(await warmUp(redis, feeder, { jobs: 0, receipts: true, tag: 'none' }), await redis.xlen('smppd:events'));
  t.equal(await redis.xlen('smppd:jobs'), jobs0);
  t.equal(await forks(redis), forks0);
});
