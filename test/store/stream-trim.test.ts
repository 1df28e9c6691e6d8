import t from 'tap';
import { InboundStore } from '../../src/store/inbound-store.js';
import { GROUP, Keys } from '../../src/store/keys.js';
import { StreamTrim, olderId } from '../../src/store/stream-trim.js';
import { startStore } from '../helpers/store.js';
import { until } from '../helpers/until.js';

// Entry ids like `1000-0` are from 1970 by Redis's clock: older than any retention.
const HOUR = 3_600_000;
const { redis, store, cfg } = await startStore(t, { prefix: 'st:' });

/** A fresh prefix per test, its job streams' group made as the daemon makes it (from 0). */
async function fixture(prefix: string, group = true): Promise<{ keys: Keys; trim: StreamTrim }> {
  const keys = new Keys(prefix);
  if (group) for (const s of keys.jobStreams) await redis.xgroup('CREATE', s, GROUP, '0', 'MKSTREAM');
  return { keys, trim: new StreamTrim(redis, keys) };
}

const ids = async (stream: string): Promise<string[]> => (await redis.xrange(stream, '-', '+')).map(([id]) => id);
const job = (n: number): string[] => ['job', JSON.stringify({ to: `1380013${String(n).padStart(4, '0')}`, text: 'x' })];

async function read(stream: string, count: number): Promise<string[]> {
  const res = (await redis.xreadgroup('GROUP', GROUP, 'c1', 'COUNT', count, 'STREAMS', stream, '>')) as [string, [string, string[]][]][] | null;
  return (res?.[0]?.[1] ?? []).map(([id]) => id);
}

t.test('entry ids compare by time, then sequence', async (t) => {
  t.equal(olderId('1000-5', '999-9'), '999-9');
  t.equal(olderId('1000-2', '1000-10'), '1000-2');
  t.equal(olderId('10000-0', '9999-0'), '9999-0', 'numerically, not as text');
});

t.test('stored job stream entries past streamRetentionMs are trimmed; a pending entry and everything after it are kept', async (t) => {
  const { keys, trim } = await fixture('a:');
  for (const n of [1, 2, 3, 4, 5, 6]) await redis.xadd(keys.jobs, `${n}000-0`, ...job(n));
  t.same(await read(keys.jobs, 4), ['1000-0', '2000-0', '3000-0', '4000-0']);
  await redis.xack(keys.jobs, GROUP, '1000-0', '2000-0', '4000-0'); // 3000-0 read, not yet stored
  const res = await trim.trim({ jobStreamMs: HOUR, outStreamMs: HOUR });
  t.match(res.find((r) => r.stream === keys.jobs), { minId: '3000-0', trimmed: 2 });
  t.same(await ids(keys.jobs), ['3000-0', '4000-0', '5000-0', '6000-0'],
    'the pending entry, the stored one after it and the unread ones are kept');

  await redis.xack(keys.jobs, GROUP, '3000-0');
  await trim.trim({ jobStreamMs: HOUR, outStreamMs: HOUR });
  t.same(await ids(keys.jobs), ['5000-0', '6000-0'], 'once stored, up to the last read entry goes; unread entries stay however old');

  t.same(await read(keys.jobs, 10), ['5000-0', '6000-0']);
  await redis.xack(keys.jobs, GROUP, '5000-0', '6000-0');
  await trim.trim({ jobStreamMs: HOUR, outStreamMs: HOUR });
  t.equal(await redis.xlen(keys.jobs), 0, 'a quiet stream keeps not even its last job');
  t.same(await redis.xpending(keys.jobs, GROUP), [0, null, null, null]);
});

t.test('a stored entry younger than streamRetentionMs is kept, by Redis clock', async (t) => {
  const { keys, trim } = await fixture('b:');
  await redis.xadd(keys.jobsPriority, '1000-0', ...job(1));
  const fresh = await redis.xadd(keys.jobsPriority, '*', ...job(2));
  t.same(await read(keys.jobsPriority, 10), ['1000-0', fresh]);
  await redis.xack(keys.jobsPriority, GROUP, '1000-0', fresh!);
  await trim.trim({ jobStreamMs: HOUR, outStreamMs: HOUR });
  t.same(await ids(keys.jobsPriority), [fresh], 'the old stored entry goes, the one added now stays');
  // Redis's clock moves on its own: the fresh entry goes once a second old by it.
  await until('the fresh entry is a second old by Redis and trimmed', async () => {
    await trim.trim({ jobStreamMs: 1000, outStreamMs: HOUR });
    return (await redis.xlen(keys.jobsPriority)) === 0;
  });
  t.pass('trimmed once older than streamRetentionMs');
});

t.test('a job stream without the group is not trimmed: nothing is known to be stored', async (t) => {
  const { keys, trim } = await fixture('c:', false);
  await redis.xadd(keys.jobs, '1000-0', ...job(1));
  const res = await trim.trim({ jobStreamMs: 1000, outStreamMs: 1000 });
  t.match(res.find((r) => r.stream === keys.jobs), { minId: null, trimmed: 0 });
  t.equal(await redis.xlen(keys.jobs), 1);
  t.match(res.find((r) => r.stream === keys.jobsPriority), { minId: null, trimmed: 0 }, 'a stream that does not exist is no error');
});

t.test('events, mo and orphans entries older than retention are trimmed whatever their count; nothing else is touched', async (t) => {
  const { keys, trim } = await fixture('d:');
  const out = [keys.events, keys.mo, keys.orphans];
  const fresh: string[] = [];
  for (const s of out) {
    await redis.xadd(s, '1000-0', 'x', 'old');
    await redis.xadd(s, '2000-0', 'x', 'old');
    fresh.push((await redis.xadd(s, '*', 'x', 'new'))!);
  }
  // Keys beside them, some with entries as old: none may change.
  await redis.xadd('other:events', '1000-0', 'x', 'old');
  await redis.zadd(keys.dead, 1000, 'dead-1');
  await redis.hset(keys.job('j1'), 'st', 'delivered', 'to', '+8613800138000');
  await redis.xadd(keys.jobs, '1000-0', ...job(1)); // unread: the group needs it
  const before = (await redis.keys('*')).sort();

  const res = await trim.trim({ jobStreamMs: HOUR, outStreamMs: HOUR });
  for (const [i, s] of out.entries()) {
    t.same(await ids(s), [fresh[i]], `${s}: the entries older than retention go, the new one stays`);
    t.match(res.find((r) => r.stream === s), { trimmed: 2 });
  }
  t.same((await redis.keys('*')).sort(), before, 'no key removed or added');
  t.equal(await redis.xlen('other:events'), 1, 'another prefix’s stream untouched');
  t.same(await redis.zrange(keys.dead, 0, -1, 'WITHSCORES'), ['dead-1', '1000'], 'dead letters untouched');
  t.same(await redis.hgetall(keys.job('j1')), { st: 'delivered', to: '+8613800138000' }, 'job hash untouched');
  t.same(await ids(keys.jobs), ['1000-0'], 'an unread job entry is kept however old');
});

t.test('the early-receipt sweep of a daemon whose clock is days ahead leaves the orphans alone', async (t) => {
  // SMPPD_CLOCK_OFFSET_MS moves the daemon's clock; trimming orphans by it took every one retention early.
  const ahead = new InboundStore(store, () => cfg, () => Date.now() + cfg.queue.retentionMs + 2 * 86_400_000);
  await ahead.orphan({ carrier: 'cmcc', reason: 'unreadable', text: 'id:? stat:DELIVRD' });
  await ahead.sweepReceipts(['cmcc']);
  t.equal(await redis.xlen('st:orphans'), 1, 'the orphan written now is kept');
});
