/**
 * Rate accuracy: a carrier limited to T TPS, timestamps taken at the sink (the built-in simulator in
 * a worker thread, bench/lib/timed-sink.ts, which records the arrival time of every submit_sm).
 * Reports the highest count in any one-second sliding window and the long-run average between the
 * first and the last submit_sm.
 */
import { Redis } from 'ioredis';
import { startRedis } from '../test/helpers/redis-server.js';
import { teardown } from './lib/teardown.js';
import { jobPayloads, pushJobs } from './lib/jobs.js';
import { until } from './lib/proc.js';
import { startSmppd } from './lib/smppd.js';
import { startTimedSink } from './lib/timed-sink.js';

/**
 * averageTps: submit_sm in the first D whole seconds from the first one, divided by D (D = the run's
 * length in whole seconds). (n-1)/span would overstate a limiter that sends each second's T at once.
 * maxIn100Ms shows how bursty the seconds are.
 */
export interface RateResult { tps: number; sent: number; maxInAnySecond: number; maxIn100Ms: number; averageTps: number }

/** Highest number of timestamps (ms, sorted) inside any window [t, t + 1000). */
export function maxInWindow(at: number[], windowMs = 1000): number {
  let best = 0;
  for (let lo = 0, hi = 0; hi < at.length; hi++) {
    while (at[hi]! - at[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

export async function runRate(o: { tps: number; seconds: number }): Promise<RateResult> {
  const n = o.tps * o.seconds;
  const srv = await startRedis({ aof: true });
  const redis = new Redis(srv.url);
  const sink = await startTimedSink({ keepSubmits: n + 100 });
  let smppd: Awaited<ReturnType<typeof startSmppd>> | undefined;
  try {
    smppd = await startSmppd({ redisUrl: srv.url, sinkPort: sink.port, carrier: { tps: o.tps, binds: 2 } });
    await pushJobs(redis, 'smppd:jobs', jobPayloads(n, `rate${Date.now()}`));
    await until(`${n} submit_sm at the sink`, async () => (await sink.count()) >= n, o.seconds * 3000 + 30_000, 50);
    const at = (await sink.collectAndClose()).sort((a, b) => a - b);
    const wholeS = Math.max(1, Math.floor((at[at.length - 1]! - at[0]!) / 1000));
    const averageTps = at.filter((t) => t < at[0]! + wholeS * 1000).length / wholeS;
    return { tps: o.tps, sent: at.length, maxInAnySecond: maxInWindow(at), maxIn100Ms: maxInWindow(at, 100), averageTps };
  } finally {
    await teardown({ smppd, sink, redis, srv });
  }
}
