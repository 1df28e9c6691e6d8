/**
 * `npm run bench` / `smppd bench`: every benchmark, on loopback only, bounded in time, with figures.
 *   --jobs N          end-to-end jobs per run (default 50000)
 *   --warmup N        jobs each daemon sends before the clock starts, JIT-compiling its hot path (default 50000; 0: none)
 *   --runs R          runs of each end-to-end measurement; medians reported (default 3)
 *   --only a,b        sections: e2e, kannel, otp, rate, memory, hotpath (default all); cmpp (CMPP beside SMPP, first window)
 *                     and cores (pool threads and two daemons beside one daemon, first window) only when named
 *   --windows 100,10  window sizes compared end to end, the same for smppd and Kannel (default 100 and Kannel's 10)
 *   --otp-runs R      runs of each OTP measurement; medians reported (default 1)
 *   --otp-background N, --rate-tps T, --rate-seconds S, --memory-jobs N, --awaiting-jobs N
 *   --profile DIR     write V8 CPU profiles of the daemon (one e2e run, its warm-up included) to DIR
 *   --heap-profile DIR  write the daemon's sampled allocations, garbage included (the first e2e run with receipts), to DIR
 *   --redis-stats     the first e2e run of each section also prints Redis's time per command and per script
 *                     (its slow log at threshold 0 splits EVALSHA by script, at some cost to that run's Redis CPU)
 * smppd runs as a child process (compiled: `node dist/src/main.js run`), one carrier bound to the sink.
 */
import { cpus } from 'node:os';
import { runCmppSection } from './cmpp.js';
import { runCoresSection } from './cores.js';
import { runE2e, type E2eResult } from './e2e.js';
import { runHotPath } from './hot-path.bench.js';
import { BEARERBOX_ARGS, KANNEL_DEFAULT_WINDOW, kannelAvailable, kannelVersion, runKannel, type KannelResult } from './kannel.js';
import { runAwaitingReceipt, runQueuedRss } from './memory.js';
import { runOtpLatency, type OtpResult } from './otp-latency.js';
import { fmt, line, mb, median } from './lib/proc.js';
import { runRate, type RateResult } from './rate.js';
import { budget, limits } from './lib/budget.js';
import { rewrites } from './lib/warm-up.js';
import { smscSimBinary } from './lib/sink.js';
import { compiledSmppd } from './lib/smppd.js';

export interface BenchArgs {
  jobs: number; runs: number; only: string[]; otpBackground: number; otpRuns: number; rateTps: number; rateSeconds: number;
  memoryJobs: number; awaitingJobs: number; warmup: number; profile?: string; heapProfile?: string; redisStats: boolean;
  /** Window sizes compared end to end, the same on both sides: 100, and Kannel's default. */
  windows: number[];
}

const optionText = (argv: string[], name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};

/** `--name N`: an integer of at least `min` (1 unless said), `d` when absent; anything else is refused by name. */
export function intOption(argv: string[], name: string, d: number, min = 1): number {
  const v = optionText(argv, name);
  if (v === undefined) return d;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`bench: --${name} must be ${min === 1 ? 'a positive integer' : `an integer ≥ ${min}`}, got ${JSON.stringify(v)}`);
  return n;
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const get = (name: string): string | undefined => optionText(argv, name);
  const num = (name: string, d: number, min = 1): number => intOption(argv, name, d, min);
  const only = (get('only') ?? 'e2e,kannel,otp,rate,memory,hotpath').split(',').map((s) => s.trim()).filter(Boolean);
  return {
    jobs: num('jobs', 50_000), runs: num('runs', 3), only, otpBackground: num('otp-background', 100_000), otpRuns: num('otp-runs', 1),
    rateTps: num('rate-tps', 500), rateSeconds: num('rate-seconds', 10), memoryJobs: num('memory-jobs', 100_000),
    awaitingJobs: num('awaiting-jobs', 20_000), warmup: num('warmup', DEFAULT_WARMUP_JOBS, 0), profile: get('profile'), heapProfile: get('heap-profile'),
    redisStats: argv.includes('--redis-stats'),
    windows: (get('windows') ?? `100,${KANNEL_DEFAULT_WINDOW}`).split(',').map((w) => {
      const n = Number(w.trim());
      if (!Number.isInteger(n) || n <= 0) throw new Error(`bench: --windows takes positive integers, got ${JSON.stringify(w)}`);
      return n;
    }),
  };
}

/**
 * Jobs through each daemon before a timed run: after 50,000 its V8 threads have done compiling (their CPU
 * per message fell 38.5 → 6.5–8.5 µs on a 2-core AMD EPYC guest; docs/BENCHMARKS-HISTORY.md, "Fifteenth round").
 * Kannel is native code: its CPU per message is the same at 20,000 and 100,000 jobs, so it gets none.
 */
export const DEFAULT_WARMUP_JOBS = 50_000;

/** Targets against Kannel: without receipts ≥ 2× its plain bearerbox and ≥ 4× with its file store; ≥ 4× with receipts. */
export const KANNEL_TARGETS = { plain: 2, store: 4, receipts: 4 } as const;

/** One Kannel set-up in a comparison (bench/kannel.ts): its file store, or TCP_NODELAY forced. */
interface KannelKind { store: boolean; nodelay?: boolean }

/**
 * One end-to-end comparison at one window: interleaved rounds (smppd, Kannel, Kannel with its store…)
 * so all see the same machine load, and each ratio taken within its round. Kannel's store is run
 * without receipts only, where the targets name it.
 */
async function e2eSection(a: BenchArgs, receipts: boolean, window: number, log: (s: string) => void): Promise<void> {
  const has = (s: string): boolean => a.only.includes(s);
  const withKannel = has('kannel') && kannelAvailable();
  // Without receipts: Kannel as shipped, and with its file store. With receipts: as shipped, and freed of
  // its Nagle stall (bench/kannel.ts, `nodelay`), so no ratio rests on a peer waiting on its own socket.
  const kinds: KannelKind[] = withKannel ? (receipts ? [{ store: false }, { store: false, nodelay: true }] : [{ store: false }, { store: true }]) : [];
  const ours: E2eResult[] = [];
  const theirs = kinds.map(() => [] as KannelResult[]);
  const ratios = kinds.map(() => [] as number[]);
  for (let r = 0; r < a.runs; r++) {
    const o = has('e2e') ? await runE2e({ jobs: a.jobs, warmupJobs: a.warmup, receipts, window, cpuProf: r === 0 && !receipts ? a.profile : undefined, heapProf: r === 0 && receipts ? a.heapProfile : undefined, commandStats: r === 0 && a.redisStats }) : undefined;
    if (o) ours.push(o);
    const ks: string[] = [];
    for (const [i, kind] of kinds.entries()) {
      const k = await runKannel({ jobs: a.jobs, receipts, window, ...kind });
      theirs[i]!.push(k);
      if (o) ratios[i]!.push(o.msgsPerS / k.msgsPerS);
      ks.push(`  kannel${kind.store ? ' (store)' : kind.nodelay ? ' (TCP_NODELAY)' : ''} ${fmt(k.msgsPerS)} msg/s`);
    }
    log(`  run ${r + 1}${receipts ? ' (receipts)' : ''}, window ${window}: ${o ? `smppd ${fmt(o.msgsPerS)} msg/s${rewrites(o)}` : ''}${ks.join('')}`);
  }
  log(`\nEnd to end, ${fmt(a.jobs)} jobs${a.warmup > 0 ? ` after ${fmt(a.warmup)} to warm smppd up` : ', smppd cold'} (GSM-20 / ZH-70 alternating), window ${window} on both sides, ${receipts ? 'one receipt per message, until every delivered event' : 'no receipts, until the sink has every submit_sm'} — medians of ${a.runs}`);
  const m = (f: (x: E2eResult) => number): number => median(ours.map(f));
  if (ours.length > 0) {
    log(line('smppd throughput', `${fmt(m((x) => x.msgsPerS))} msg/s`));
    log(line('smppd CPU per message', `${fmt(m((x) => x.smppdCpuUsPerMsg), 1)} µs`));
    log(line('Redis CPU per message', `${fmt(m((x) => x.redisCpuUsPerMsg), 1)} µs`));
    if (ours[0]!.sinkCpuUsPerMsg !== undefined) log(line('sink CPU per message', `${fmt(m((x) => x.sinkCpuUsPerMsg ?? 0), 1)} µs`));
    log(line('smppd peak RSS', mb(m((x) => x.peakRssBytes))));
  }
  if (has('kannel') && !withKannel) log(line('Kannel', 'not installed (apt-get install -y kannel kannel-extras): no comparison'));
  for (const [i, { store, nodelay }] of kinds.entries()) {
    const ks = theirs[i]!;
    const name = `Kannel${store ? ' with its file store' : nodelay ? ' with TCP_NODELAY forced' : ''}`;
    log(line(`${name} (${kannelVersion()}, bearerbox ${BEARERBOX_ARGS.join(' ')})`, `${fmt(median(ks.map((x) => x.msgsPerS)))} msg/s`));
    log(line('  bearerbox CPU per message', `${fmt(median(ks.map((x) => x.cpuUsPerMsg)), 1)} µs`));
    log(line('  bearerbox peak RSS', mb(median(ks.map((x) => x.peakRssBytes)))));
    if (ratios[i]!.length === 0) continue;
    const target = receipts ? KANNEL_TARGETS.receipts : store ? KANNEL_TARGETS.store : KANNEL_TARGETS.plain;
    log(line(`smppd / ${name} (target ≥ ${target}×)`, `${fmt(median(ratios[i]!), 2)}× (per round: ${ratios[i]!.map((x) => fmt(x, 2)).join(', ')})`));
    if (ours.length === 0) continue;
    const b = budget({ cores: cpus().length, target, kannelMsgsPerS: median(ks.map((x) => x.msgsPerS)),
      smppdUs: m((x) => x.smppdCpuUsPerMsg), redisUs: m((x) => x.redisCpuUsPerMsg), sinkUs: m((x) => x.sinkCpuUsPerMsg ?? 0) });
    log(line('  ceiling of Redis\'s one thread', `${fmt(b.redisCeilingMsgsPerS)} msg/s = ${fmt(b.redisCeilingRatio, 2)}× ${name}, however fast smppd is`));
    log(line(`  CPU per message for ${target}× on ${cpus().length} cores`, `≤ ${fmt(b.allowedUsPerMsg, 1)} µs (smppd + Redis + sink); used ${fmt(b.usedUsPerMsg, 1)} µs`));
    if (median(ratios[i]!) >= target) continue;
    for (const l of limits(b, { cores: cpus().length, target, redisUs: m((x) => x.redisCpuUsPerMsg), reached: median(ratios[i]!) })) log(line('  the limit', l));
  }
}

export async function runBench(a: BenchArgs, log: (s: string) => void = console.log): Promise<void> {
  const has = (s: string): boolean => a.only.includes(s);
  log(`smppd bench — ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}`);
  log(`sink: ${smscSimBinary() ? 'smsc-sim (C, libsmpp34)' : 'built-in simulator (src/sim): smsc-sim could not be built'}; smppd: ${compiledSmppd() ? 'compiled daemon (node dist/src/main.js run)' : 'daemon under tsx (src/main.ts)'} as a child process; Redis: private redis-server, AOF everysec`);

  if (has('e2e') || has('kannel')) {
    for (const receipts of [false, true]) {
      for (const window of a.windows) await e2eSection(a, receipts, window, log);
    }
  }

  if (has('cmpp')) {
    log(`\nCMPP beside SMPP (the built-in simulator as the sink of both; the C sink speaks only SMPP)`);
    await runCmppSection({ jobs: a.jobs, warmup: a.warmup, runs: a.runs, window: a.windows[0]!, profile: a.profile }, log);
  }

  if (has('cores')) {
    log(`\nMore cores: pool threads and a second daemon beside one daemon as shipped (bench/cores.ts)`);
    await runCoresSection({ jobs: a.jobs, warmup: a.warmup, runs: a.runs, window: a.windows[0]! }, log);
  }

  if (has('otp')) {
    log(`\nOTP latency: one OTP every 10 ms while ${fmt(a.otpBackground)} marketing jobs drain (XADD → submitted event; target p99 ≤ 50 ms)${a.otpRuns > 1 ? ` — medians of ${a.otpRuns}` : ''}`);
    for (const redisMode of ['default', 'deferred'] as const) {
      log(redisMode === 'default' ? '  Redis with its default AOF rewrite thresholds'
        : '  Redis with automatic AOF rewrites deferred (auto-aof-rewrite-min-size 1gb, docs/OPERATIONS.md)');
      for (const mode of ['queued', 'streaming'] as const) {
        const rs: OtpResult[] = [];
        for (let r = 0; r < a.otpRuns; r++) rs.push(await runOtpLatency({ background: a.otpBackground, mode, redis: redisMode }));
        const m = (f: (r: OtpResult) => number): number => median(rs.map(f));
        const per = rs.length > 1 ? ` (p99 per run: ${rs.map((r) => fmt(r.p99Ms)).join(', ')})` : '';
        log(line(`${mode === 'queued' ? 'marketing already in its lanes' : 'marketing XADDed with the OTPs'} (${fmt(m((r) => r.otps))} OTPs)`,
          `p50 ${fmt(m((r) => r.p50Ms))} ms, p99 ${fmt(m((r) => r.p99Ms))} ms, max ${fmt(m((r) => r.maxMs))} ms; AOF rewrites ${rs.map((r) => r.aofRewrites).join(', ')}${per}`));
        const forks = rs.some((r) => r.aofRewrites > 0) ? `last fork ${rs.map((r) => r.forkMs.toFixed(1)).join(', ')} ms; ` : '';
        log(line('', `${forks}Redis's slowest command ${rs.map((r) => (r.slowestCommandMs === 0 ? 'under 5' : fmt(r.slowestCommandMs))).join(', ')} ms (wall, latency monitor)`));
      }
    }
  }

  if (has('rate')) {
    // "Never above T" is a claim about every run: the worst run is printed, each run's beside it.
    const rs: RateResult[] = [];
    for (let i = 0; i < a.runs; i++) rs.push(await runRate({ tps: a.rateTps, seconds: a.rateSeconds }));
    const tps = rs[0]!.tps;
    const each = (f: (r: RateResult) => string): string => (rs.length > 1 ? ` (runs: ${rs.map(f).join(', ')})` : '');
    const clock = rs[0]!.clock === 'wire'
      ? 'timed on the wire (tshark capture timestamps on the loopback)'
      : `timed at the sink (built-in simulator in a worker thread; ${rs[0]!.wireError ? `the capture failed: ${rs[0]!.wireError}` : 'install tshark to time them on the wire'})`;
    log(`\nRate accuracy: carrier tps ${tps}, 2 binds, ${fmt(rs[0]!.sent)} submit_sm per run ${clock}, ${rs.length} run(s)`);
    log(line('most in any one-second sliding window', `${fmt(Math.max(...rs.map((r) => r.maxInAnySecond)))} (target ≤ ${tps})${each((r) => fmt(r.maxInAnySecond))}`));
    log(line('long-run average (whole seconds)', `${fmt(Math.min(...rs.map((r) => r.averageTps)), 1)}/s lowest (target ≥ ${fmt(0.98 * tps, 1)})${each((r) => fmt(r.averageTps, 1))}`));
    log(line('most in any 100 ms window', `${fmt(Math.max(...rs.map((r) => r.maxIn100Ms)))} (how bursty each second is)`));
    if (rs[0]!.clock === 'wire') log(line('the same 1 s figure by the sink\'s own stamps', `${fmt(Math.max(...rs.map((r) => r.sinkMaxInAnySecond)))}${each((r) => fmt(r.sinkMaxInAnySecond))} (a late read squeezes a slice into the next second)`));
  }

  if (has('memory')) {
    const q = await runQueuedRss({ jobs: a.memoryJobs });
    log(`\nMemory`);
    log(line(`smppd RSS, idle / with ${fmt(q.jobs)} jobs queued`, `${mb(q.idleRssBytes)} / ${mb(q.rssBytes)} (peak ${mb(q.peakRssBytes)}; the queue is in Redis, target ≤ 150 MB)`));
    const w = await runAwaitingReceipt({ jobs: a.awaitingJobs });
    log(line('Redis bytes per job awaiting its receipt', `${fmt(w.bytesPerJobWithoutStreams)} B (target ≤ 700; the job's state ${fmt(w.jobStateBytes)} B)`));
    log(line('  … counting the jobs and events streams', `${fmt(w.bytesPerJob)} B`));
  }

  if (has('hotpath')) {
    log(`\nHot path per job (medians of 5)`);
    await runHotPath((s) => log(`  ${s}`));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const deadline = setTimeout(() => { console.error('bench: over 30 minutes, giving up'); process.exit(1); }, 30 * 60_000);
  deadline.unref();
  try {
    await runBench(parseBenchArgs(process.argv.slice(2)));
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 1;
  }
}
