/**
 * `--only cmpp`: the daemon over CMPP 3.0 beside the daemon over SMPP 3.4, each against the same kind of
 * sink — the built-in simulator (src/sim) as an SMSC for one run and as an ISMG for the other — with the
 * same jobs, window and binds, in interleaved rounds (the order flips each round so neither always runs
 * on the warmer machine); each CMPP/SMPP ratio is taken within its round. The C sink (libsmpp34) speaks
 * only SMPP, so it cannot be the common sink. The built-in sink runs in the bench process: its CPU is
 * the bench's (with the feeder's), apart from the daemon's, and printed as a share of one core, since
 * a sink near 100 % is what limits both runs. With --profile DIR, the first round's daemons write V8 CPU
 * profiles to DIR/smpp, DIR/cmpp, DIR/smpp-receipts and DIR/cmpp-receipts.
 */
import { join } from 'node:path';
import { runE2e, type E2eResult } from './e2e.js';
import { fmt, line, median } from './lib/proc.js';

export interface CmppSectionArgs { jobs: number; warmup: number; runs: number; window: number; profile?: string }

/** The CMPP/SMPP target of the issue: CMPP within 10 % of SMPP's msgs/s. */
export const CMPP_MIN_RATIO = 0.9;

type Side = 'smpp' | 'cmpp';

/** The bench process's CPU while the run went, as a share of one core: the built-in sink's ceiling. */
const sinkCoreShare = (x: E2eResult): number => (x.benchCpuUsPerMsg * x.msgsPerS) / 1e6;

async function one(a: CmppSectionArgs, side: Side, receipts: boolean, profile: boolean): Promise<E2eResult> {
  return runE2e({
    jobs: a.jobs, warmupJobs: a.warmup, receipts, window: a.window, sink: 'builtin', ...(side === 'cmpp' ? { cmpp: '3.0' as const } : {}),
    cpuProf: profile && a.profile ? join(a.profile, `${side}${receipts ? '-receipts' : ''}`) : undefined,
  });
}

export async function runCmppSection(a: CmppSectionArgs, log: (s: string) => void): Promise<void> {
  for (const receipts of [false, true]) {
    const got: Record<Side, E2eResult[]> = { smpp: [], cmpp: [] };
    const ratios: number[] = [];
    for (let r = 0; r < a.runs; r++) {
      const order: Side[] = r % 2 === 0 ? ['smpp', 'cmpp'] : ['cmpp', 'smpp'];
      for (const side of order) got[side].push(await one(a, side, receipts, r === 0));
      const [s, c] = [got.smpp[r]!, got.cmpp[r]!];
      ratios.push(c.msgsPerS / s.msgsPerS);
      log(`  run ${r + 1}${receipts ? ' (receipts)' : ''}: SMPP ${fmt(s.msgsPerS)} msg/s, CMPP ${fmt(c.msgsPerS)} msg/s, CMPP/SMPP ${fmt(ratios[r]!, 2)}`);
    }
    log(`\nCMPP 3.0 beside SMPP 3.4, ${fmt(a.jobs)} jobs (GSM-20 / ZH-70 alternating), window ${a.window}, 1 bind, the built-in simulator as the sink of both, ${receipts ? 'one receipt per message, until every delivered event' : 'no receipts, until the sink has every submit'} — medians of ${a.runs}`);
    for (const side of ['smpp', 'cmpp'] as const) {
      const m = (f: (x: E2eResult) => number): number => median(got[side].map(f));
      log(line(`${side === 'smpp' ? 'SMPP 3.4' : 'CMPP 3.0'} throughput`, `${fmt(m((x) => x.msgsPerS))} msg/s`));
      log(line('  smppd / Redis CPU per message', `${fmt(m((x) => x.smppdCpuUsPerMsg), 1)} / ${fmt(m((x) => x.redisCpuUsPerMsg), 1)} µs`));
      log(line('  bench process (sink + feeder) per message', `${fmt(m((x) => x.benchCpuUsPerMsg), 1)} µs, ${fmt(100 * m(sinkCoreShare))} % of a core`));
    }
    const ok = median(ratios) >= CMPP_MIN_RATIO ? '✔' : '✘';
    log(line(`CMPP / SMPP msg/s (target ≥ ${CMPP_MIN_RATIO})`, `${fmt(median(ratios), 2)} ${ok} (per round: ${ratios.map((x) => fmt(x, 2)).join(', ')})`));
  }
}
