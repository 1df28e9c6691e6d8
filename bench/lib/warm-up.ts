/**
 * What a timed end-to-end run does before its clock starts, and what the daemons beside each other are
 * given. A daemon runs for months: V8 compiles its hot path in its first tens of thousands of messages
 * (docs/BENCHMARKS-HISTORY.md, "Fifteenth round"), so each daemon gets its share of warm-up jobs, with
 * ids and numbers of their own. Then Redis rewrites its AOF, so an automatic rewrite is not due early in
 * the timed run; whether one still fell within it is counted (`forksSince`) and printed with the run.
 */
import type { Redis } from 'ioredis';
import { jobPayloads } from './jobs.js';
import { until, within } from './proc.js';
import { encodeXadds, type Feeder } from './xadd-feeder.js';

/** Events each job writes in the bench: `submitted`, and with receipts `delivered`. */
export const eventsPerJob = (receipts: boolean): number => (receipts ? 2 : 1);

/**
 * The config of the i-th daemon on one Redis: its own instanceId past the first (the first keeps the
 * bench's `bench`), the pool threads asked for, and the caller's sections over both.
 */
export function daemonExtra(i: number, poolThreads: number | undefined, extra?: Record<string, unknown>): Record<string, unknown> {
  return {
    ...(i > 0 ? { instanceId: `bench${i + 1}` } : {}),
    ...(poolThreads ? { pool: { threads: poolThreads, batchSize: 100 } } : {}),
    ...extra,
  };
}

/** The pre-encoded XADDs written to Redis on the feeder's socket, bounded in time. */
export async function feed(feeder: Feeder, payloads: string[]): Promise<void> {
  await within(feeder.write(encodeXadds('smppd:jobs', payloads), payloads.length), 120_000 + payloads.length, 'bench: Redis did not take the jobs');
}

/**
 * `jobs` warm-up jobs through the daemons, every one at its end; then the AOF rewritten. Returns the
 * events stream's length after it, from which the timed run counts its own events.
 */
export async function warmUp(redis: Redis, feeder: Feeder, o: { jobs: number; receipts: boolean; tag: string }): Promise<number> {
  const base = await redis.xlen('smppd:events');
  if (o.jobs === 0) return base;
  await feed(feeder, jobPayloads(o.jobs, `${o.tag}w`));
  const want = base + eventsPerJob(o.receipts) * o.jobs;
  await until('the warm-up jobs sent', async () => (await redis.xlen('smppd:events')) >= want, 60_000 + o.jobs * 2, 50);
  const rewriteDone = async (): Promise<boolean> => {
    const p = await redis.info('persistence');
    return /aof_rewrite_in_progress:0/.test(p) && /aof_rewrite_scheduled:0/.test(p);
  };
  // An automatic rewrite the warm-up set off may still run: Redis refuses a second one meanwhile.
  await until('an automatic AOF rewrite to end', rewriteDone, 120_000, 50);
  await redis.bgrewriteaof();
  await until('the AOF rewrite after the warm-up', rewriteDone, 120_000, 50);
  return redis.xlen('smppd:events');
}

/** Said beside a run's figure when Redis rewrote its AOF while the clock ran (a fork, then a core for its child). */
export const rewrites = (o: { aofRewrites: number }): string =>
  (o.aofRewrites > 0 ? ` (${o.aofRewrites} AOF rewrite${o.aofRewrites > 1 ? 's' : ''} in it)` : '');

/** Redis's forks so far (INFO stats `total_forks`): an AOF rewrite is one. */
export async function forks(redis: Redis): Promise<number> {
  return Number(/total_forks:(\d+)/.exec(await redis.info('stats'))?.[1] ?? 0);
}
