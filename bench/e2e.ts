/**
 * End-to-end throughput: N jobs XADDed (pre-encoded: lib/xadd-feeder.ts) into a private redis-server (AOF everysec), smppd
 * (the daemon as a child process) bound to the sink, timed from the first XADD until the sink has all
 * N submit_sm — or, with receipts, until every `delivered` event is written. With `daemons` > 1, several
 * daemons share the one Redis and the sink (each its own instanceId and bind), their CPU summed.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { SCRIPTS, scriptSource } from '../src/store/scripts.js';
import { startRedis } from '../test/helpers/redis-server.js';
import { teardown } from './lib/teardown.js';
import { jobPayloads, scanEvents } from './lib/jobs.js';
import { cpuUs, median, redisCpuUs, rssBytes, threadCpuUs, until, within } from './lib/proc.js';
import { startSink } from './lib/sink.js';
import { type SmppdUnderTest, startSmppd } from './lib/smppd.js';
import { daemonExtra, eventsPerJob, feed, forks, warmUp } from './lib/warm-up.js';
import { type Feeder, openFeeder } from './lib/xadd-feeder.js';

export interface E2eOptions {
  jobs: number; receipts: boolean; sink?: 'c' | 'builtin'; cpuProf?: string; heapProf?: string; extra?: Record<string, unknown>;
  window?: number; // the carrier's windowSize (bench/lib/smppd.ts has the default)
  commandStats?: boolean; // print Redis INFO commandstats (µs per call of each command, scripts included)
  cmpp?: '2.0' | '3.0'; // the carrier's one channel speaks CMPP to the built-in simulator as its ISMG (bench/cmpp.ts)
  /**
   * Jobs sent through before the clock starts (default none), with numbers of their own: a daemon runs for
   * months, so its steady state is what compares. V8 compiles the hot path in the first tens of thousands
   * of messages, on threads of its own: counted in a 20,000-job run, it nearly doubles the daemon's CPU
   * per message (docs/BENCHMARKS-HISTORY.md, "Fifteenth round"). Per daemon: `daemons` × this in all
   * (lib/warm-up.ts).
   */
  warmupJobs?: number;
  daemons?: number; // daemons on the one Redis, each its own instanceId and bind (default 1; bench/cores.ts)
  poolThreads?: number; // the daemons' pool.threads (default 0, the shipped default: prepare on the I/O thread)
}

export interface E2eResult {
  sink: string; msgsPerS: number; seconds: number; smppdCpuUsPerMsg: number; redisCpuUsPerMsg: number;
  /** The daemons' main threads alone (the event loop: what one daemon's rate is bound by when its other threads have cores of their own). */
  smppdMainCpuUsPerMsg: number;
  sinkCpuUsPerMsg: number | undefined; peakRssBytes: number;
  /** The bench process's own CPU: the built-in sink when it is the sink, plus the feeder and the polls. */
  benchCpuUsPerMsg: number;
  /** Redis's forks (AOF rewrites) while the clock ran: each takes a core for a while. */
  aofRewrites: number;
}

// The CMPP login the simulated ISMG checks and the channel writes (SP id, shared secret, SP number).
const CMPP_SP = { spId: '901234', secret: 'bench-secret', spNumber: '1065700', serviceId: 'SMPPD' };

/** The carrier's settings for a run: the window, and with `cmpp` one CMPP channel in place of SMPP. */
function carrierConfig(o: E2eOptions): Record<string, unknown> {
  const c: Record<string, unknown> = o.window !== undefined ? { windowSize: o.window } : {};
  if (o.cmpp) c.channels = [{ name: 'cmcc-cmpp', protocol: 'cmpp', systemId: CMPP_SP.spId, password: CMPP_SP.secret,
    cmpp: { version: o.cmpp, spNumber: CMPP_SP.spNumber, serviceId: CMPP_SP.serviceId } }];
  return c;
}

export async function runE2e(o: E2eOptions): Promise<E2eResult> {
  const srv = await startRedis({ aof: true });
  const redis = new Redis(srv.url);
  const warm = (o.warmupJobs ?? 0) * (o.daemons ?? 1);
  const sink = await startSink({ expect: warm + o.jobs, receipts: o.receipts, prefer: o.sink,
    ...(o.cmpp ? { cmpp: { version: o.cmpp, spId: CMPP_SP.spId, secret: CMPP_SP.secret } } : {}) });
  const daemons: SmppdUnderTest[] = [];
  let feeder: Feeder | undefined;
  // One stop for all: teardown stops "the daemon" first, before the sink it is bound to.
  const smppd = { stop: () => Promise.all(daemons.map((d) => d.stop())) };
  try {
    // Started one after another: each waits for /readyz, which a daemon beside others reaches only once
    // they have lowered their share of the carrier's tps (docs/OPERATIONS.md, Several daemons).
    for (let i = 0; i < (o.daemons ?? 1); i++) {
      daemons.push(await startSmppd({
        redisUrl: srv.url, sinkPort: sink.port, cpuProf: i === 0 ? o.cpuProf : undefined, heapProf: i === 0 ? o.heapProf : undefined,
        extra: daemonExtra(i, o.poolThreads, o.extra),
        carrier: carrierConfig(o),
      }));
    }
    const tag = `e2e${Date.now()}`;
    feeder = await openFeeder(srv.url);
    const events0 = await warmUp(redis, feeder, { jobs: warm, receipts: o.receipts, tag });
    const payloads = jobPayloads(o.jobs, tag, 'transactional', warm);
    const daemonCpu = (): number => daemons.reduce((t, d) => t + cpuUs(d.pid), 0);
    const mainCpu = (): number => daemons.reduce((t, d) => t + threadCpuUs(d.pid), 0);
    const cpu0 = daemonCpu();
    const main0 = mainCpu();
    const sinkCpu0 = sink.pid ? cpuUs(sink.pid) : 0;
    const benchCpu0 = process.cpuUsage();
    await redis.config('RESETSTAT');
    const rcpu0 = await redisCpuUs(redis);
    const forks0 = await forks(redis);
    const aof0 = o.commandStats ? await aofBytes(redis) : 0;
    if (o.commandStats) await startScriptLog(redis);
    const t0 = Date.now();
    await feed(feeder, payloads);
    feeder.close();
    let end = 0;
    const timeoutMs = 60_000 + o.jobs * 2;
    if (!o.receipts) {
      end = await within(sink.reached, timeoutMs, 'bench: the sink never saw every submit_sm');
    } else {
      // Each job writes two events here, `submitted` then `delivered`: an O(1) XLEN tells when all are in.
      // Reading the stream every 50 ms instead cost Redis 1.25 µs per message (INFO commandstats), counted
      // as smppd's, and the bench's own thread parsed every event while the run was on.
      const want = events0 + eventsPerJob(true) * o.jobs;
      await until('every job submitted and delivered', async () => (await redis.xlen('smppd:events')) >= want, timeoutMs, 50);
    }
    const cpu1 = daemonCpu();
    const main1 = mainCpu();
    const sinkCpu1 = sink.pid ? cpuUs(sink.pid) : 0;
    const benchCpu = process.cpuUsage(benchCpu0);
    const rcpu1 = await redisCpuUs(redis);
    const aofRewrites = (await forks(redis)) - forks0;
    if (o.commandStats) {
      console.log(await commandStats(redis, o.jobs));
      console.log(await scriptStats(redis, o.jobs));
      console.log(`  AOF bytes per job ${((await aofBytes(redis)) - aof0) / o.jobs} (the app's XADD included)`);
    }
    if (o.receipts) end = await lastDelivered(redis, warm + o.jobs);
    const seconds = (end - t0) / 1000;
    return {
      sink: sink.kind,
      msgsPerS: o.jobs / seconds,
      seconds,
      smppdCpuUsPerMsg: (cpu1 - cpu0) / o.jobs,
      smppdMainCpuUsPerMsg: (main1 - main0) / o.jobs,
      redisCpuUsPerMsg: (rcpu1 - rcpu0) / o.jobs,
      sinkCpuUsPerMsg: sink.pid ? (sinkCpu1 - sinkCpu0) / o.jobs : undefined,
      peakRssBytes: Math.max(...daemons.map((d) => rssBytes(d.pid).peak)),
      benchCpuUsPerMsg: (benchCpu.user + benchCpu.system) / o.jobs,
      aofRewrites,
    };
  } finally {
    feeder?.close();
    await teardown({ smppd, sink: sink, redis, srv });
  }
}

/** The time of the last `delivered` event, once every job has one (else the run failed: say what came instead). */
async function lastDelivered(redis: Redis, jobs: number): Promise<number> {
  const states = new Map<string, number>();
  let lastAt = 0;
  await scanEvents(redis, 'smppd:events', '0', (json) => {
    const ev = JSON.parse(json) as { state: string; at: number };
    states.set(ev.state, (states.get(ev.state) ?? 0) + 1);
    if (ev.state === 'delivered') lastAt = Math.max(lastAt, ev.at);
  });
  if (states.get('delivered') !== jobs) throw new Error(`bench: expected ${jobs} delivered events, got ${JSON.stringify(Object.fromEntries(states))}`);
  return lastAt;
}

/** The AOF's size (INFO persistence aof_current_size), to count what a run wrote to it. */
async function aofBytes(redis: Redis): Promise<number> {
  return Number(/aof_current_size:(\d+)/.exec(await redis.info('persistence'))?.[1] ?? 0);
}

/** Every command into Redis's slow log (threshold 0), so scriptStats can split EVALSHA's time by script. */
async function startScriptLog(redis: Redis): Promise<void> {
  await redis.config('SET', 'slowlog-log-slower-than', '0');
  await redis.config('SET', 'slowlog-max-len', '1000000');
  await redis.slowlog('RESET');
}

/** EVALSHA's time per script (from the slow log): calls per job, µs per job, µs per call. */
async function scriptStats(redis: Redis, jobs: number): Promise<string> {
  const names = new Map(SCRIPTS.map((n) => [createHash('sha1').update(scriptSource(n)).digest('hex'), n]));
  const log = (await redis.slowlog('GET', -1)) as [number, number, number, string[]][];
  const by = new Map<string, { calls: number; usec: number; each: number[] }>();
  for (const [, , usec, args] of log) {
    if (String(args[0]).toLowerCase() !== 'evalsha') continue;
    const name = names.get(String(args[1])) ?? String(args[1]).slice(0, 8);
    const row = by.get(name) ?? { calls: 0, usec: 0, each: [] };
    row.calls++; row.usec += Number(usec); row.each.push(Number(usec));
    by.set(name, row);
  }
  await redis.config('SET', 'slowlog-log-slower-than', '10000');
  return [...by.entries()].sort((a, b) => b[1].usec - a[1].usec).map(([n, r]) =>
    `  script ${n.padEnd(14)} ${(r.calls / jobs).toFixed(3).padStart(7)} calls/job ${(r.usec / jobs).toFixed(2).padStart(7)} µs/job ${(r.usec / r.calls).toFixed(0).padStart(6)} µs/call (median ${median(r.each)})`).join('\n');
}

/** INFO commandstats as one line per command: calls per job and µs per job. */
async function commandStats(redis: Redis, jobs: number): Promise<string> {
  const info = await redis.info('commandstats');
  const rows = [...info.matchAll(/^cmdstat_(\S+):calls=(\d+),usec=(\d+)/gm)]
    .map((m) => ({ cmd: m[1]!, calls: Number(m[2]), usec: Number(m[3]) }))
    .sort((a, b) => b.usec - a.usec);
  return rows.map((r) => `  redis ${r.cmd.padEnd(12)} ${(r.calls / jobs).toFixed(2).padStart(6)} calls/job ${(r.usec / jobs).toFixed(2).padStart(7)} µs/job`).join('\n');
}
