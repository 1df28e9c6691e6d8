/**
 * What the client pays to read replies: this process's CPU per stream entry while ioredis reads a
 * 100-entry XRANGE reply of job payloads, over and over. The daemon reads its jobs the same way
 * (XREADGROUP), so the figure follows the version of ioredis installed: 6.0's decoder took about 4× the
 * time of 5.11's parser on such replies
 * (docs/BENCHMARKS-HISTORY.md, "Ninth round", change 40; docs/ARCHITECTURE.md).
 */
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { pushJobs } from './jobs.js';

export interface ReplyDecode { version: string; entries: number; cpuUsPerEntry: number }

const ENTRIES = 100;
const IN_FLIGHT = 10; // replies requested at once, as the daemon's intake and scripts overlap

export function ioredisVersion(): string {
  return (createRequire(import.meta.url)('ioredis/package.json') as { version: string }).version;
}

/** Fills `key` with 100 payloads, then reads them `rounds` times; the key is deleted after. */
export async function measureReplyDecode(redis: Redis, key: string, payloads: string[], rounds: number): Promise<ReplyDecode> {
  await redis.del(key);
  await pushJobs(redis, key, Array.from({ length: ENTRIES }, (_, i) => payloads[i % payloads.length]!));
  let entries = 0;
  const read = async (): Promise<void> => {
    const got = await redis.xrange(key, '-', '+', 'COUNT', ENTRIES);
    entries += got.length; // after the await: `entries += await …` would read entries before it
  };
  for (let i = 0; i < IN_FLIGHT; i++) await read(); // warm-up, not counted
  entries = 0;
  const c0 = process.cpuUsage();
  for (let r = 0; r < rounds; r += IN_FLIGHT) await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, rounds - r) }, read));
  const c = process.cpuUsage(c0);
  await redis.del(key);
  return { version: ioredisVersion(), entries, cpuUsPerEntry: (c.user + c.system) / entries };
}
