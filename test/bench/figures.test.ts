import t from 'tap';
import { DEFAULT_WARMUP_JOBS, parseBenchArgs } from '../../bench/run.js';
import { ceilings } from '../../bench/cores.js';
import { maxInWindow } from '../../bench/rate.js';
import { budget, limits } from '../../bench/lib/budget.js';
import { BEARERBOX_ARGS, kannelConf } from '../../bench/kannel.js';
import { median, quantile } from '../../bench/lib/proc.js';

t.test('the sliding window counts the most arrivals within any 1,000 ms, not per calendar second', async (t) => {
  // 3 at the end of one second and 3 at the start of the next: 6 within 20 ms.
  t.equal(maxInWindow([990, 995, 999, 1000, 1005, 1010]), 6);
  t.equal(maxInWindow([0, 1000, 2000]), 1, 'exactly 1,000 ms apart fall in different windows');
  t.equal(maxInWindow([0, 999]), 2);
  t.equal(maxInWindow([]), 0);
});

t.test('medians and quantiles are taken over sorted samples', async (t) => {
  t.equal(median([5, 1, 3]), 3);
  t.equal(median([4, 1, 3, 2]), 2.5);
  t.equal(quantile([10, 1, 5, 7], 0.99), 10);
  t.equal(quantile([10, 1, 5, 7], 0.5), 5);
});

t.test('bench options take their defaults and refuse what is not a positive integer', async (t) => {
  const d = parseBenchArgs([]);
  t.equal(d.jobs, 50_000);
  t.same(d.only, ['e2e', 'kannel', 'otp', 'rate', 'memory', 'hotpath']);
  t.equal(d.otpRuns, 1);
  t.equal(parseBenchArgs(['--otp-runs', '3']).otpRuns, 3);
  t.equal(parseBenchArgs(['--jobs', '2000', '--only', 'e2e, rate']).jobs, 2000);
  t.same(parseBenchArgs(['--only', 'e2e, rate']).only, ['e2e', 'rate']);
  t.throws(() => parseBenchArgs(['--jobs', 'many']), /--jobs must be a positive integer/);
  t.throws(() => parseBenchArgs(['--runs', '0']), /--runs must be a positive integer/);
  t.equal(d.redisStats, false);
  t.equal(parseBenchArgs(['--redis-stats', '--runs', '1']).redisStats, true);
});

t.test('the CPU budget names the ceiling Redis\'s one thread sets and the µs per message a target allows', async (t) => {
  // This machine's receipts run: Kannel 6,122 msg/s; smppd 64.8, Redis 61.9, sink 6.4 µs per message.
  const b = budget({ cores: 2, target: 4, kannelMsgsPerS: 6122, smppdUs: 64.8, redisUs: 61.9, sinkUs: 6.4 });
  t.equal(Math.round(b.redisCeilingMsgsPerS), 16155);
  t.equal(b.redisCeilingRatio.toFixed(2), '2.64', 'under 4× whatever smppd does');
  t.equal(b.allowedUsPerMsg.toFixed(1), '81.7', '2 cores / (4 × 6,122 msg/s)');
  t.equal(b.usedUsPerMsg.toFixed(1), '133.1');
});

t.test('the end-to-end comparison runs windows of 100 and Kannel\'s default 10 unless told otherwise', async (t) => {
  t.same(parseBenchArgs([]).windows, [100, 10]);
  t.same(parseBenchArgs(['--windows', '200']).windows, [200]);
  t.throws(() => parseBenchArgs(['--windows', '100,ten']), /--windows takes positive integers/);
});

t.test('bearerbox is configured as its service runs it: the window given, a file store when asked', async (t) => {
  t.same(BEARERBOX_ARGS, ['-v', '4'], 'Debian\'s init script starts bearerbox with -v 4, not with debug on stdout');
  const plain = kannelConf({ admin: 1, box: 2, sinkPort: 3, dir: '/tmp/k', window: 10, store: false });
  t.match(plain, /^max-pending-submits = 10$/m);
  t.notMatch(plain, /store-type/);
  const stored = kannelConf({ admin: 1, box: 2, sinkPort: 3, dir: '/tmp/k', window: 100, store: true });
  t.match(stored, /^max-pending-submits = 100$/m);
  t.match(stored, /^group = core[\s\S]*^store-type = file\nstore-location = "\/tmp\/k\/kannel.store"\n\ngroup = smsbox/m, 'the store is a core setting');
});

t.test('each daemon is warmed up with 50,000 jobs before the clock starts unless told otherwise', async (t) => {
  t.equal(parseBenchArgs([]).warmup, DEFAULT_WARMUP_JOBS);
  t.equal(DEFAULT_WARMUP_JOBS, 50_000);
  t.equal(parseBenchArgs(['--warmup', '0']).warmup, 0, 'a cold daemon, measured as the bench did before');
  t.equal(parseBenchArgs(['--warmup', '2000']).warmup, 2000);
  t.throws(() => parseBenchArgs(['--warmup', '-1']), /--warmup must be an integer ≥ 0, got "-1"/);
  t.throws(() => parseBenchArgs(['--warmup', 'some']), /--warmup must be an integer ≥ 0/);
});

t.test('the cores section names one daemon\'s ceiling by its main thread and how many daemons fill one Redis', async (t) => {
  // A main thread at 40 µs per message carries 25,000 msg/s; Redis at 65 µs, 15,385: one daemon fills it.
  const one = ceilings(40, 65);
  t.equal(Math.round(one.daemonMsgsPerS), 25_000);
  t.equal(Math.round(one.redisMsgsPerS), 15_385);
  t.equal(one.daemonsToFillRedis, 1);
  t.equal(ceilings(60, 25).daemonsToFillRedis, 3, 'a daemon three times as slow as Redis: three daemons');
});

t.test('a target not met names what limits it: Redis\'s one thread, the cores, or neither', async (t) => {
  // The window-100 run without receipts on a 2-core AMD EPYC guest: Kannel 13,800 msg/s; smppd 44.0, Redis 70.6, sink 8.5 µs.
  const o = { cores: 2, target: 2, kannelMsgsPerS: 13_800, smppdUs: 44.0, redisUs: 70.6, sinkUs: 8.5 };
  t.same(limits(budget(o), o), [
    'Redis\'s one thread: 70.6 µs per message caps smppd at 1.03×, under 2×',
    'the 2 cores: 123.1 µs of CPU per message, 2× allows 72.5',
  ]);
  const cheap = { ...o, smppdUs: 10, redisUs: 20, sinkUs: 5 };
  t.same(limits(budget(cheap), cheap), ['no CPU: the run waited on round trips (a small window, the SMSC, Redis)'], 'a run under its CPU budget and Redis\'s ceiling waited on round trips');
  const coresOnly = { ...o, target: 4, kannelMsgsPerS: 3_645, smppdUs: 69.0, redisUs: 60, sinkUs: 20 };
  t.same(limits(budget(coresOnly), coresOnly).map((l) => l.split(':')[0]), ['the 2 cores'], 'Redis\'s ceiling above the target is no limit');
});

t.test('a run well under the lower of its CPU ceilings is said to have waited on round trips as well', async (t) => {
  // Window 10 without receipts, 2-core AMD EPYC: Kannel 16,696 msg/s; smppd 38.5, Redis 62.4, sink 7.5 µs; 0.72× reached.
  const o = { cores: 2, target: 2, kannelMsgsPerS: 16_696, smppdUs: 38.5, redisUs: 62.4, sinkUs: 7.5 };
  t.same(limits(budget(o), { ...o, reached: 0.72 }).at(-1),
    'round trips as well: 0.72× is 75 % of the 0.96× the lower ceiling allows (a small window, the SMSC, Redis)');
  t.equal(limits(budget(o), { ...o, reached: 0.9 }).length, 2, 'near its ceiling a run is CPU bound, and no more is said');
  t.equal(limits(budget(o), o).length, 2, 'without the ratio reached nothing more is said');
});
