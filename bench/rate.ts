/**
 * Rate accuracy: a carrier limited to T TPS, every submit_sm timed on the wire (tshark's capture
 * timestamps, bench/lib/wire-capture.ts) when tshark is installed, else at the sink (the built-in
 * simulator in a worker thread, bench/lib/timed-sink.ts, which records the arrival time of every
 * submit_sm). Reports the highest count in any one-second sliding window and the long-run average.
 */
import { Redis } from 'ioredis';
import { startRedis } from '../test/helpers/redis-server.js';
import { teardown } from './lib/teardown.js';
import { jobPayloads, pushJobs } from './lib/jobs.js';
import { until } from './lib/proc.js';
import { startSmppd } from './lib/smppd.js';
import { startTimedSink } from './lib/timed-sink.js';
import { captureSubmits, tsharkAvailable, type WireCapture } from './lib/wire-capture.js';

/**
 * averageTps: submit_sm in the first D whole seconds from the first one, divided by D (D = the run's
 * length in whole seconds). (n-1)/span would overstate a limiter that sends each second's T at once.
 * maxIn100Ms shows how bursty the seconds are.
 */
export interface RateResult {
  tps: number; sent: number; maxInAnySecond: number; maxIn100Ms: number; averageTps: number;
  clock: 'wire' | 'sink';
  sinkMaxInAnySecond: number; // the sink's own stamps, beside the wire's
  wireError?: string; // why the wire could not be captured, when tshark is installed
}

/** Highest number of timestamps (ms, sorted) inside any window [t, t + 1000). */
export function maxInWindow(at: number[], windowMs = 1000): number {
  let best = 0;
  for (let lo = 0, hi = 0; hi < at.length; hi++) {
    while (at[hi]! - at[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/** `wire`: time on the wire with tshark (default: when it is installed). */
export async function runRate(o: { tps: number; seconds: number; wire?: boolean }): Promise<RateResult> {
  const n = o.tps * o.seconds;
  const srv = await startRedis({ aof: true });
  const redis = new Redis(srv.url);
  const sink = await startTimedSink({ keepSubmits: n + 100 });
  let smppd: Awaited<ReturnType<typeof startSmppd>> | undefined;
  let capture: WireCapture | undefined;
  try {
    smppd = await startSmppd({ redisUrl: srv.url, sinkPort: sink.port, carrier: { tps: o.tps, binds: 2 } });
    let wireError: string | undefined;
    // Capturing needs the right to (root, or dumpcap's capabilities): without it, the sink's clock.
    if (o.wire ?? tsharkAvailable()) capture = await captureSubmits(sink.port).catch((e: unknown) => { wireError = String(e); return undefined; });
    await pushJobs(redis, 'smppd:jobs', jobPayloads(n, `rate${Date.now()}`));
    await until(`${n} submit_sm at the sink`, async () => (await sink.count()) >= n, o.seconds * 3000 + 30_000, 50);
    const atSink = (await sink.collectAndClose()).sort((a, b) => a - b);
    const onWire = capture ? await capture.stop() : undefined;
    capture = undefined;
    if (onWire && onWire.length !== atSink.length) throw new Error(`bench: the capture saw ${onWire.length} submit_sm, the sink ${atSink.length}`);
    const at = onWire ?? atSink;
    const wholeS = Math.max(1, Math.floor((at[at.length - 1]! - at[0]!) / 1000));
    const averageTps = at.filter((t) => t < at[0]! + wholeS * 1000).length / wholeS;
    return {
      tps: o.tps, sent: at.length, maxInAnySecond: maxInWindow(at), maxIn100Ms: maxInWindow(at, 100), averageTps,
      clock: onWire ? 'wire' : 'sink', sinkMaxInAnySecond: maxInWindow(atSink), wireError,
    };
  } finally {
    await capture?.stop().catch(() => undefined);
    await teardown({ smppd, sink, redis, srv });
  }
}
