import t from 'tap';
import { Redis } from 'ioredis';
import { SmppdClient } from '../../src/store/job-client.js';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';

const srv = await startRedis();
const redis = new Redis(srv.url);
t.teardown(async () => {
  redis.disconnect();
  await srv.stop();
  removeRedisDir(srv);
});

t.test('push writes one `job` field of JSON to <prefix>jobs and returns the entry id', async (t) => {
  const c = new SmppdClient(redis, { prefix: 'jc1:' });
  const job = { id: 'a1', to: '13800138000', text: 'hi', class: 'transactional' as const, meta: { n: 1 } };
  const id = await c.push(job);
  const entries = await redis.xrange('jc1:jobs', '-', '+');
  t.equal(entries.length, 1);
  t.equal(entries[0]![0], id, 'the returned id is the stream entry id');
  t.same(entries[0]![1], ['job', JSON.stringify(job)], 'exactly the documented field');
});

t.test('OTP jobs go to the priority stream, which smppd reads before the main one', async (t) => {
  const c = new SmppdClient(redis, { prefix: 'jcp:' });
  const otp = await c.push({ to: '13800138000', text: 'code 1', class: 'otp' });
  const [bulk, otp2] = await c.pushMany([{ to: '13800138000', text: 'sale', class: 'marketing' }, { to: '13800138000', text: 'code 2', class: 'otp' }]);
  t.same((await redis.xrange('jcp:jobs:priority', '-', '+')).map((e) => e[0]), [otp, otp2]);
  t.same((await redis.xrange('jcp:jobs', '-', '+')).map((e) => e[0]), [bulk]);
});

t.test('pushMany keeps the order and returns one id per job', async (t) => {
  const c = new SmppdClient(redis, { prefix: 'jc2:' });
  const jobs = Array.from({ length: 50 }, (_, i) => ({ to: '13800138000', text: `m${i}` }));
  const ids = await c.pushMany(jobs);
  t.equal(ids.length, 50);
  const entries = await redis.xrange('jc2:jobs', '-', '+');
  t.same(entries.map((e) => e[0]), ids, 'ids in push order');
  t.same(entries.map((e) => JSON.parse(e[1][1]!).text), jobs.map((j) => j.text));
  t.same(await c.pushMany([]), [], 'an empty list pushes nothing');
});

t.test('events reads from an id, returns [] when there is nothing new, and blocks up to blockMs', async (t) => {
  const c = new SmppdClient(redis, { prefix: 'jc3:' });
  t.same(await c.events('0'), [], 'no stream yet');
  t.equal(await c.lastEventId(), '0', 'no events: 0');
  const ev = { id: 'x', state: 'submitted', at: 1 };
  const sid = (await redis.xadd('jc3:events', '*', 'event', JSON.stringify(ev)))!;
  const got = await c.events('0');
  t.same(got, [{ streamId: sid, value: ev }]);
  t.equal(await c.lastEventId(), sid);
  const t0 = Date.now();
  t.same(await c.events(sid, 10, 200), [], 'nothing after the last one');
  t.ok(Date.now() - t0 >= 150, 'it waited for blockMs');
  const later = new Promise<unknown>((res) => setTimeout(() => res(redis.xadd('jc3:events', '*', 'event', JSON.stringify({ ...ev, state: 'delivered' }))), 100));
  const next = new SmppdClient(srv.url, { prefix: 'jc3:' });
  const blocked = await next.events(sid, 10, 2000);
  await later;
  t.equal((blocked[0]?.value as { state?: string })?.state, 'delivered', 'a blocked read returns the new event');
  await next.close();
});

t.test('mo reads the MO stream', async (t) => {
  const c = new SmppdClient(redis, { prefix: 'jc4:' });
  const mo = { from: '+8613800138000', to: '10690000', text: 'TD', carrier: 'cmcc', at: 5, optedOut: true };
  await redis.xadd('jc4:mo', '*', 'mo', JSON.stringify(mo));
  t.same((await c.mo('0')).map((m) => m.value), [mo]);
});

t.test('optOut and blacklist add, check and remove, answering whether anything changed', async (t) => {
  const c = new SmppdClient(redis, { prefix: 'jc5:' });
  for (const op of ['optOut', 'blacklist'] as const) {
    t.equal(await c[op]('check', '+8613800138000'), false, `${op}: not listed`);
    t.equal(await c[op]('add', '+8613800138000'), true, `${op}: added`);
    t.equal(await c[op]('add', '+8613800138000'), false, `${op}: already there`);
    t.equal(await c[op]('check', '+8613800138000'), true, `${op}: listed`);
    t.equal(await c[op]('remove', '+8613800138000'), true, `${op}: removed`);
    t.equal(await c[op]('remove', '+8613800138000'), false, `${op}: nothing to remove`);
  }
  t.equal(await redis.sismember('jc5:optout', '+8613800138000'), 0);
});

t.test('close() closes a client the SmppdClient made, never one the caller owns', async (t) => {
  const own = new SmppdClient(srv.url, { prefix: 'jc6:' });
  await own.push({ to: '13800138000', text: 'x' });
  await own.close();
  await t.rejects(own.push({ to: '13800138000', text: 'y' }), 'its own connection is closed');
  const shared = new SmppdClient(redis, { prefix: 'jc6:' });
  await shared.close();
  t.equal(await redis.xlen('jc6:jobs'), 1, 'the caller\'s client still works');
  t.equal(new SmppdClient(redis).keys.jobs, 'smppd:jobs', 'the default prefix is smppd:');
});
