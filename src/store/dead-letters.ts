/**
 * The dead-letter set (`<prefix>dead`, a zset scored by the time of failure): jobs that ended `failed`
 * with RETRIES_EXHAUSTED. settle.lua adds them, keeps their PDU bodies for retentionMs and drops the
 * oldest beyond queue.deadMax; `smppd dead` lists them, sends them again (revive-dead.lua: each as a new
 * job, the failed one keeps its final event) or purges them (purge-dead.lua).
 */
import type { Redis } from 'ioredis';
import { jobFields } from './job-record.js';
import { Keys } from './keys.js';
import { purgeDead } from './script-calls/purge-dead.js';
import { reviveDead, type RetryResult } from './script-calls/revive-dead.js';

export type { RetryResult };

export interface DeadLetter {
  id: string;
  failedAtMs: number;
  /** From the job hash, while it is kept (retentionMs); absent once it expired. */
  to?: string; carrier?: string; class?: string; attempts?: number;
  /** Its bodies are still kept: `retry` can send it again. */
  retryable: boolean;
}

/** Ids per script call: a script holds Redis for its whole run. */
const CALL_IDS = 100;

export class DeadLetters {
  private readonly keys: Keys;
  constructor(private readonly redis: Redis, prefix: string, private readonly now: () => number = Date.now) {
    this.keys = new Keys(prefix);
  }

  count(): Promise<number> { return this.redis.zcard(this.keys.dead); }

  /** The newest `limit` dead letters first. */
  async list(limit: number): Promise<DeadLetter[]> {
    const flat = await this.redis.zrevrange(this.keys.dead, 0, limit - 1, 'WITHSCORES');
    const ids: string[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) ids.push(flat[i]!);
    // A letter can be sent again while its bodies are kept: their EXISTS rides with the fields.
    const fields = await jobFields(this.redis, this.keys, ids, ['to', 'car', 'cls', 'att', 'st'], (id) => this.keys.body(id));
    return ids.map((id, k) => {
      const [to, car, cls, att, st, bodies] = fields[k]!;
      const out: DeadLetter = { id, failedAtMs: Number(flat[2 * k + 1]), retryable: st === 'failed' && bodies === '1' };
      if (to) out.to = to;
      if (car) out.carrier = car;
      if (cls) out.class = cls;
      if (att) out.attempts = Number(att);
      return out;
    });
  }

  /** Every id, oldest first; with `olderThanMs`, only those that failed longer ago than that. */
  async ids(olderThanMs?: number): Promise<string[]> {
    if (olderThanMs === undefined) return this.redis.zrange(this.keys.dead, 0, -1);
    return this.redis.zrangebyscore(this.keys.dead, '-inf', this.now() - olderThanMs);
  }

  async retry(ids: string[]): Promise<RetryResult[]> {
    const out: RetryResult[] = [];
    for (let i = 0; i < ids.length; i += CALL_IDS) {
      out.push(...await reviveDead(this.redis, this.keys, { ids: ids.slice(i, i + CALL_IDS), now: this.now() }));
    }
    return out;
  }

  /** Returns how many of `ids` were dead letters. */
  async purge(ids: string[]): Promise<number> {
    let removed = 0;
    for (let i = 0; i < ids.length; i += CALL_IDS * 5) {
      removed += await purgeDead(this.redis, this.keys, { ids: ids.slice(i, i + CALL_IDS * 5) });
    }
    return removed;
  }
}
