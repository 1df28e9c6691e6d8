/**
 * node flags for the daemon, A/B: end-to-end runs (no receipts) alternating between flag sets, medians
 * of msg/s, daemon (and its main thread's) and Redis CPU per message and peak RSS. How the unit's node flags were chosen.
 *   node --import tsx bench/node-flags.bench.ts [--runs 3] [--jobs 50000] [--warmup 50000] [--receipts] '' '--max-semi-space-size=4'
 * ('' = node's defaults). Each set is passed as SMPPD_BENCH_NODE_FLAGS (bench/lib/smppd.ts).
 */
import { runE2e } from './e2e.js';
import { DEFAULT_WARMUP_JOBS, intOption } from './run.js';
import { fmt, mb, median } from './lib/proc.js';

const argv = process.argv.slice(2);
/** The option's value, taken out of argv: what is left are the flag sets. */
const opt = (name: string, d: number, min = 1): number => {
  const v = intOption(argv, name, d, min);
  const i = argv.indexOf(`--${name}`);
  if (i >= 0) argv.splice(i, 2);
  return v;
};
const runs = opt('runs', 3);
const jobs = opt('jobs', 50_000);
const warmupJobs = opt('warmup', DEFAULT_WARMUP_JOBS, 0);
const receipts = argv.includes('--receipts');
if (receipts) argv.splice(argv.indexOf('--receipts'), 1);
const variants = argv.length > 0 ? argv : ['', '--max-semi-space-size=4'];
const rows = new Map<string, { msgs: number; smppd: number; main: number; redis: number; rss: number }[]>();
for (let r = 0; r < runs; r++) {
  for (const flags of variants) {
    process.env.SMPPD_BENCH_NODE_FLAGS = flags;
    const o = await runE2e({ jobs, warmupJobs, receipts });
    const row = { msgs: o.msgsPerS, smppd: o.smppdCpuUsPerMsg, main: o.smppdMainCpuUsPerMsg, redis: o.redisCpuUsPerMsg, rss: o.peakRssBytes };
    rows.set(flags, [...(rows.get(flags) ?? []), row]);
    console.log(`round ${r + 1} ${JSON.stringify(flags)}: ${fmt(row.msgs)} msg/s, smppd ${fmt(row.smppd, 1)} µs (main thread ${fmt(row.main, 1)}), Redis ${fmt(row.redis, 1)} µs, peak RSS ${mb(row.rss)}`);
  }
}
delete process.env.SMPPD_BENCH_NODE_FLAGS;
console.log(`\nmedians of ${runs}, ${fmt(jobs)} jobs each`);
for (const [flags, rs] of rows) {
  const m = (f: (x: (typeof rs)[number]) => number): number => median(rs.map(f));
  console.log(`  ${JSON.stringify(flags).padEnd(30)} ${fmt(m((x) => x.msgs))} msg/s, smppd ${fmt(m((x) => x.smppd), 1)} µs/msg (main thread ${fmt(m((x) => x.main), 1)}), Redis ${fmt(m((x) => x.redis), 1)} µs/msg, peak RSS ${mb(m((x) => x.rss))}`);
}
