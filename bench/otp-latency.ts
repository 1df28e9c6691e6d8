/**
 * OTP latency under load: marketing jobs drain at full speed while an OTP job is XADDed every 10 ms;
 * latency = the OTP's `submitted` event `at` (written once its submit_sm_resp is settled) minus the
 * time just before its XADD. Marketing needs quiet hours out of the way: the configured window is put
 * 12 hours from now in Asia/Shanghai, so the run does not depend on the hour it is started at.
 */
import { Redis } from 'ioredis';
import { startRedis } from '../test/helpers/redis-server.js';
import { teardown } from './lib/teardown.js';
import { jobPayloads, scanEvents } from './lib/jobs.js';
import { quantile, sleep, until } from './lib/proc.js';
import { startSink } from './lib/sink.js';
import { startSmppd } from './lib/smppd.js';
import { encodeXadds, openFeeder } from './lib/xadd-feeder.js';

export interface OtpResult {
  mode: OtpMode; background: number; otps: number; p50Ms: number; p99Ms: number; maxMs: number; drainS: number; sink: string;
  /** AOF rewrites Redis ran during the run: each forks and takes a core while its child writes the dataset. */
  aofRewrites: number;
  /** The last fork's pause of Redis's main thread, and the longest any command took in Redis while the OTPs
   *  ran (wall time, its latency monitor). With rewrites on a 2-core host the second was 3-4x the first: the
   *  fork is a small part of what an OTP waits for at a rewrite (docs/BENCHMARKS-HISTORY.md, "Tenth round"). */
  forkMs: number; slowestCommandMs: number;
}

/**
 * Redis settings a run may apply (CONFIG SET). `deferred`: no automatic AOF rewrite below 1 GB of AOF, as
 * docs/OPERATIONS.md suggests for hosts whose cores Redis shares: rewrites then run when an operator starts them.
 */
export type OtpRedis = 'default' | 'deferred';

function farQuietHours(): { start: string; end: string; defaultTz: string } {
  const h = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
  const hh = String((h + 12) % 24).padStart(2, '0');
  return { start: `${hh}:00`, end: `${hh}:01`, defaultTz: 'Asia/Shanghai' };
}

/**
 * 'queued': the marketing jobs are all read from the stream (in their lanes) before the first OTP, so
 * the figure is the lanes' priority at work. 'streaming': marketing is XADDed while the OTPs are, so an
 * OTP also waits behind the marketing entries ahead of it in the one jobs stream (intake is FIFO).
 */
export type OtpMode = 'queued' | 'streaming';

/** `extra`: top-level config sections for the daemon, merged over the bench's (to A/B a setting). */
export async function runOtpLatency(o: { background: number; everyMs?: number; mode?: OtpMode; redis?: OtpRedis; extra?: Record<string, unknown> }): Promise<OtpResult> {
  const mode = o.mode ?? 'queued';
  const everyMs = o.everyMs ?? 10;
  const srv = await startRedis({ aof: true });
  const redis = new Redis(srv.url);
  await redis.config('SET', 'latency-monitor-threshold', '5');
  if (o.redis === 'deferred') await redis.config('SET', 'auto-aof-rewrite-min-size', String(1024 ** 3));
  const sink = await startSink({ expect: Number.MAX_SAFE_INTEGER, receipts: false });
  let smppd: Awaited<ReturnType<typeof startSmppd>> | undefined;
  try {
    smppd = await startSmppd({ redisUrl: srv.url, sinkPort: sink.port, extra: { care: { quietHours: farQuietHours(), caps: {} }, ...o.extra } });
    const tag = `otp${Date.now()}`;
    const sentAt = new Map<string, number>();
    const submittedAt = new Map<string, number>();
    let cursor = '0';
    const scan = async (): Promise<void> => {
      cursor = await scanEvents(redis, 'smppd:events', cursor, (json) => {
        if (!json.includes(`"${tag}-otp-`)) return;
        const e = JSON.parse(json) as { id: string; state: string; at: number };
        if (e.state === 'submitted' || e.state === 'rejected' || e.state === 'failed' || e.state === 'scheduled') submittedAt.set(e.id, e.at);
      });
    };
    // Connected before the flood starts, as an app's client is: the first OTPs would otherwise wait for a
    // connect that the bench's own busy event loop delays, which is not smppd's latency.
    const otpClient = new Redis(srv.url);
    await otpClient.ping();
    // The marketing flood is written as pre-encoded XADDs (lib/xadd-feeder.ts): through an ioredis
    // pipeline it took the bench's thread, which also sends the OTPs and stamps their start, for about
    // a second of CPU per 50,000 (docs/BENCHMARKS-HISTORY.md, "Sixth round", change 23).
    const flood = encodeXadds('smppd:jobs', jobPayloads(o.background, `${tag}-mkt`, 'marketing'), 1000);
    const flooder = await openFeeder(srv.url);
    const t0 = Date.now();
    const feeder = flooder.write(flood, o.background).finally(() => flooder.close());
    if (mode === 'queued') {
      await feeder;
      await until('every marketing job read from the stream', async () => {
        const groups = (await redis.xinfo('GROUPS', 'smppd:jobs')) as unknown[][];
        const g = groups[0] as unknown[];
        const f = (k: string): unknown => g[g.indexOf(k) + 1];
        return Number(f('pending')) === 0 && Number(f('lag')) === 0;
      }, 60_000, 5);
    }
    // Until marketing has drained: each job writes one event (no receipts, quiet hours out of the way), and
    // the stream also holds at most one per OTP sent, so XLEN - k under-counts the marketing done. XLEN is
    // O(1), asked every 10th OTP; the events themselves are read once the drain is over, only OTPs' parsed.
    let k = 0;
    let events = 0;
    await redis.call('LATENCY', 'RESET'); // the OTPs' time only, not the flood's before it
    while (events - k < o.background && Date.now() - t0 < 120_000) {
      const id = `${tag}-otp-${k++}`;
      const payload = JSON.stringify({ id, to: `139${String(k).padStart(8, '0')}`, text: `Your code is ${String(k % 1e6).padStart(6, '0')}`, class: 'otp' });
      sentAt.set(id, Date.now());
      // As SmppdClient.push does for class otp: the priority stream, read before the main one.
      void otpClient.xadd('smppd:jobs:priority', '*', 'job', payload);
      await sleep(everyMs);
      if (k % 10 === 0) events = await redis.xlen('smppd:events');
    }
    const drainS = (Date.now() - t0) / 1000;
    // Read before the events are scanned below: those reads are the bench's, not the daemon's.
    // LATENCY LATEST: [event, last at, last ms, max ms] per event over the threshold.
    const latest = (await redis.call('LATENCY', 'LATEST')) as [string, number, number, number][];
    const slowestCommandMs = Math.max(0, ...latest.filter((e) => e[0] === 'command' || e[0] === 'fast-command').map((e) => Number(e[3])));
    await feeder;
    await until('every OTP submitted', async () => { await scan(); return submittedAt.size >= sentAt.size; }, 30_000, 50);
    otpClient.disconnect();
    const lat = [...sentAt].map(([id, at]) => submittedAt.get(id)! - at);
    const aofRewrites = Number(/^aof_rewrites:(\d+)/m.exec(await redis.info('persistence'))?.[1] ?? 0);
    const forkMs = Number(/^latest_fork_usec:(\d+)/m.exec(await redis.info('stats'))?.[1] ?? 0) / 1000;
    return {
      mode, background: o.background, otps: lat.length, p50Ms: quantile(lat, 0.5), p99Ms: quantile(lat, 0.99), maxMs: Math.max(...lat),
      drainS, sink: sink.kind, aofRewrites, forkMs, slowestCommandMs,
    };
  } finally {
    await teardown({ smppd, sink: sink, redis, srv });
  }
}
