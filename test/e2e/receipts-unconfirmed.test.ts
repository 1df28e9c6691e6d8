/**
 * A job whose receipt never comes ends `unconfirmed` (NO_RECEIPT) once its receipt can no longer be
 * matched, with one event, and nothing it left in Redis outlives retention: the simulator sends no
 * receipts, a daemon whose clock is moved 5 days ahead (SMPPD_CLOCK_OFFSET_MS) sweeps.
 */
import t from 'tap';
import { FINAL, waitForEvents } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';
import { jobField, jobPttl } from '../helpers/job.js';

const DAY_MS = 86_400_000;
const RETENTION_MS = 3 * DAY_MS; // the defaults: receiptTtlDays 3, retentionMs 3 days
const { redis, daemon, spawnDaemon } = await startStack(t, {
  carriers: [{ name: 'cmcc', behaviours: { receipt: 'never' } }],
  // The sweeps run every min(earlyReceiptMs, moPartialMs) / 4, at least 1 s.
  extra: { queue: { leaseMs: 3000, earlyReceiptMs: 4000, moPartialMs: 4000 } },
});

const ids = ['silent-1', 'silent-2'];
// The receipt map's day bucket, from the job's own submit time (set once the jobs are submitted).
let day = 0;
let bucket = '';

/** Every key with no expiry, other than the daemon's own structures and the streams. */
async function keysWithoutTtl(): Promise<string[]> {
  const keys = await redis.keys('smppd:*');
  const out: string[] = [];
  for (const k of keys) if (await redis.pttl(k) === -1) out.push(k);
  // Streams, lanes and per-daemon keys (in-flight table, channel health: as long as the daemon's id lives) are not a job's.
  return out.filter((k) => !/^smppd:(jobs|jobs:priority|events|orphans|mo|daemons|daemons:gen|daemons:seen|format|inflight:.*|health:.*|\{cmcc\}:(lane:.*|sched|early|early:at|mo:pending))$/.test(k)).sort();
}

t.test('a submitted job awaiting its receipt, and its receipt map, expire on their own', async (t) => {
  await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: ids[0], to: '13800138000', text: 'no receipt will come' }));
  await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: ids[1], to: '13800138001', text: 'x'.repeat(200) }));
  await waitForEvents(redis, (e) => ids.every((id) => e.some((x) => x.id === id && x.state === 'submitted')));
  day = Math.floor(Number(await jobField(redis, `smppd:job:${ids[0]}`, 'sub')) / DAY_MS);
  bucket = `smppd:{cmcc}:dlr:${day}`;
  for (const id of ids) {
    const pttl = await jobPttl(redis, `smppd:job:${id}`);
    t.ok(pttl > 4 * DAY_MS && pttl <= 5 * DAY_MS + RETENTION_MS, `job:${id} expires (${pttl} ms)`);
  }
  const b = await redis.pttl(bucket);
  t.ok(b > 4 * DAY_MS - 60_000 && b <= 4 * DAY_MS + RETENTION_MS, `the receipt map expires (${b} ms)`);
  t.equal(await redis.hget('smppd:{cmcc}:dlr:days', String(day)), '0', 'the day is listed for the sweep');
  t.same(await keysWithoutTtl(), [], 'no key a job made is without an expiry');
});

t.test('past receiptTtlDays a sweeping daemon ends each such job unconfirmed, once', async (t) => {
  daemon.kill('SIGTERM');
  await daemon.exited;
  const late = spawnDaemon({ env: { SMPPD_CLOCK_OFFSET_MS: String(5 * DAY_MS) } });
  await late.waitFor(/smppd running/);
  const evs = await waitForEvents(redis, (e) => ids.every((id) => e.some((x) => x.id === id && FINAL.has(x.state))), 30_000);
  for (const id of ids) t.same(evs.filter((e) => e.id === id).map((e) => e.state), ['submitted', 'unconfirmed'], `${id}: one final event`);
  const one = evs.find((e) => e.id === ids[0] && e.state === 'unconfirmed')!;
  t.match(one, { code: 'NO_RECEIPT', carrier: 'cmcc', parts: 1, partStates: ['PENDING'], missingParts: [1] });
  t.equal(one.msgIds.length, 1, 'the event names the message id');
  t.match(evs.find((e) => e.id === ids[1] && e.state === 'unconfirmed'), { parts: 2, missingParts: [1, 2], partStates: ['PENDING', 'PENDING'] });
  await until('the receipt map deleted', async () => (await redis.exists(bucket)) === 0);
  t.equal(await redis.hexists('smppd:{cmcc}:dlr:days', String(day)), 0, 'the day is no longer listed');
  for (const id of ids) {
    t.equal(await jobField(redis, `smppd:job:${id}`, 'st'), 'unconfirmed');
    const pttl = await jobPttl(redis, `smppd:job:${id}`);
    t.ok(pttl > 0 && pttl <= RETENTION_MS, `job:${id} kept for the retention period only (${pttl} ms)`);
  }
  t.same(await keysWithoutTtl(), [], 'no key a job made is without an expiry');
  t.match(late.output(), /ended unconfirmed/, 'the daemon logs what it ended');
});
