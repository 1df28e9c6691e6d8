/**
 * A job is kept in one of two forms (common.lua, job_get). The common job (one part, sent at once, no meta,
 * resend, quiet hours or cap) is a record: one string at jr:<id>, RECORD_FIELDS joined by '|', '' for an
 * absent field, its part count 1. Any other job is a hash at job:<id>. Readers outside the scripts take a
 * job's fields from either form here; test/store/job-record.test.ts keeps RECORD_FIELDS and common.lua's
 * REC_NAMES equal.
 */
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

/** In the record's order; `ids` last, as a message id may hold a '|'. */
export const RECORD_FIELDS = ['st', 'eid', 'to', 'car', 'cls', 'exp', 'sub', 'end', 'p1', 'ids'] as const;

/** A record's fields by name, as a hash would hold them (absent ones left out, `n` 1). */
export function parseRecord(text: string): Record<string, string> {
  const out: Record<string, string> = { n: '1' };
  let at = 0;
  for (let k = 0; k < RECORD_FIELDS.length; k++) {
    const end = k === RECORD_FIELDS.length - 1 ? text.length : text.indexOf('|', at);
    if (end < 0) break;
    if (end > at) out[RECORD_FIELDS[k]!] = text.slice(at, end);
    at = end + 1;
  }
  return out;
}

/**
 * Each job's `names` fields in order (null when absent), from whichever form it has, in one round trip. With
 * `existsKey`, the EXISTS of that key of each job rides in the same round trip, its answer ('1' or '0') last.
 */
export async function jobFields(redis: Redis, keys: Keys, ids: readonly string[], names: readonly string[],
  existsKey?: (id: string) => string): Promise<(string | null)[][]> {
  if (ids.length === 0) return [];
  const p = redis.pipeline();
  const per = existsKey ? 3 : 2;
  for (const id of ids) {
    p.get(keys.jobRecord(id));
    p.hmget(keys.job(id), ...names);
    if (existsKey) p.exists(existsKey(id));
  }
  const res = (await p.exec()) ?? [];
  return ids.map((_, i) => {
    const rec = res[per * i]?.[1] as string | null | undefined;
    const parsed = rec ? parseRecord(rec) : undefined;
    const f = parsed ? names.map((n) => parsed[n] ?? null)
      : (res[per * i + 1]?.[1] as (string | null)[] | undefined) ?? names.map(() => null);
    return existsKey ? [...f, String(res[per * i + 2]?.[1] ?? 0)] : f;
  });
}
