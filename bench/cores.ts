/**
 * `--only cores`: what more cores would buy, from the figures that decide it, measured here. A host with
 * many cores can run pool threads in a daemon, several daemons on one Redis, or both; which pays depends
 * on two serial costs per message: a daemon's main thread (it runs all JavaScript but the pool's, so
 * 1e6 / its µs is one daemon's ceiling when its other threads have cores of their own) and Redis's one
 * thread (1e6 / its µs is the ceiling of all daemons on it). Three set-ups in interleaved rounds, the same
 * jobs, window and sink: one daemon as shipped (`pool.threads: 0`), one with pool threads, and two daemons
 * on the one Redis (each its own instanceId and bind). On a 2-core machine their throughput says little
 * (two daemons, Redis and the sink share two cores); their CPU per message is what carries over.
 */
import { runE2e, type E2eResult } from './e2e.js';
import { fmt, line, median } from './lib/proc.js';
import { rewrites } from './lib/warm-up.js';

export interface CoresSectionArgs { jobs: number; warmup: number; runs: number; window: number }

/** Pool threads tried: two, as many as the machine would give a daemon beside Redis and a second daemon. */
export const POOL_THREADS = 2;

interface SetUp { name: string; daemons: number; poolThreads: number }
const SET_UPS: SetUp[] = [
  { name: 'one daemon, pool.threads 0 (shipped)', daemons: 1, poolThreads: 0 },
  { name: `one daemon, pool.threads ${POOL_THREADS}`, daemons: 1, poolThreads: POOL_THREADS },
  { name: 'two daemons on one Redis, pool.threads 0', daemons: 2, poolThreads: 0 },
];

/** What the figures of one set-up say for a host with cores to spare. */
export interface Ceilings { daemonMsgsPerS: number; redisMsgsPerS: number; daemonsToFillRedis: number }

export function ceilings(mainUsPerMsg: number, redisUsPerMsg: number): Ceilings {
  const daemon = 1e6 / mainUsPerMsg;
  const redis = 1e6 / redisUsPerMsg;
  return { daemonMsgsPerS: daemon, redisMsgsPerS: redis, daemonsToFillRedis: Math.ceil(redis / daemon) };
}

export async function runCoresSection(a: CoresSectionArgs, log: (s: string) => void): Promise<void> {
  for (const receipts of [false, true]) {
    const got = SET_UPS.map(() => [] as E2eResult[]);
    for (let r = 0; r < a.runs; r++) {
      // The order turns each round, so no set-up always runs on the warmer (or busier) machine.
      const order = SET_UPS.map((_, i) => (i + r) % SET_UPS.length);
      for (const i of order) {
        const s = SET_UPS[i]!;
        got[i]!.push(await runE2e({ jobs: a.jobs, warmupJobs: a.warmup, receipts, window: a.window, daemons: s.daemons, poolThreads: s.poolThreads }));
      }
      log(`  run ${r + 1}${receipts ? ' (receipts)' : ''}: ${SET_UPS.map((s, i) => `${s.daemons} daemon(s), ${s.poolThreads} threads ${fmt(got[i]![r]!.msgsPerS)} msg/s${rewrites(got[i]![r]!)}`).join('; ')}`);
    }
    log(`\nMore cores, ${fmt(a.jobs)} jobs, window ${a.window} per bind, ${receipts ? 'one receipt per message' : 'no receipts'} — medians of ${a.runs}`);
    for (const [i, s] of SET_UPS.entries()) {
      const m = (f: (x: E2eResult) => number): number => median(got[i]!.map(f));
      const c = ceilings(m((x) => x.smppdMainCpuUsPerMsg), m((x) => x.redisCpuUsPerMsg));
      log(`  ${s.name}`);
      log(line('  msg/s on this machine', fmt(m((x) => x.msgsPerS))));
      log(line('  daemon CPU per message, all threads / main', `${fmt(m((x) => x.smppdCpuUsPerMsg), 1)} / ${fmt(m((x) => x.smppdMainCpuUsPerMsg), 1)} µs`));
      log(line('  Redis CPU per message', `${fmt(m((x) => x.redisCpuUsPerMsg), 1)} µs`));
      log(line('  ceilings: one daemon\'s main thread / Redis', `${fmt(c.daemonMsgsPerS)} / ${fmt(c.redisMsgsPerS)} msg/s: ${c.daemonsToFillRedis} daemon(s) fill one Redis`));
    }
  }
}
