/**
 * A job's fields as the scripts keep them, from either form (src/store/job-record.ts): the record at
 * jr:<id> or the hash at job:<id>. Tests name the job by its hash key (`<prefix>job:<id>`).
 */
import type { Redis } from 'ioredis';
import { parseRecord } from '../../src/store/job-record.js';

const recordKey = (jobKey: string): string => {
  const at = jobKey.indexOf('job:');
  return `${jobKey.slice(0, at)}jr:${jobKey.slice(at + 4)}`;
};

/** Every field of the job (HGETALL's answer for a hash; a record's fields with `n` 1), {} when it has no key. */
export async function jobHash(redis: Redis, jobKey: string): Promise<Record<string, string>> {
  const rec = await redis.get(recordKey(jobKey));
  return rec === null ? redis.hgetall(jobKey) : parseRecord(rec);
}

/** One field of the job, null when absent. */
export async function jobField(redis: Redis, jobKey: string, field: string): Promise<string | null> {
  return (await jobHash(redis, jobKey))[field] ?? null;
}

/** Fields of the job in order, null when absent (HMGET's answer, from either form). */
export async function jobMget(redis: Redis, jobKey: string, ...fields: string[]): Promise<(string | null)[]> {
  const h = await jobHash(redis, jobKey);
  return fields.map((f) => h[f] ?? null);
}

/** PTTL of whichever form the job has (-2 when it has none). */
export async function jobPttl(redis: Redis, jobKey: string): Promise<number> {
  const r = await redis.pttl(recordKey(jobKey));
  return r === -2 ? redis.pttl(jobKey) : r;
}
