/**
 * The typed client apps use to push jobs and read events and MO (`import { SmppdClient } from 'smppd'`).
 * It writes exactly what the README documents: `XADD <prefix>jobs * job <json>`.
 */
import type { Redis } from 'ioredis';
import { createRedis } from './redis.js';
import type { JobEvent, JobInput } from '../types.js';
import { Keys } from './keys.js';
import type { MoEvent } from './inbound-store.js';

export type { MoEvent };

export type ListOp = 'add' | 'remove' | 'check';

export interface StreamItem<T> { streamId: string; value: T }


export class SmppdClient {
  readonly keys: Keys;
  private readonly redis: Redis;
  private readonly own: boolean;

  /** `redis` is a URL or an ioredis client the caller owns. */
  constructor(redis: string | Redis, opts: { prefix?: string } = {}) {
    this.keys = new Keys(opts.prefix ?? 'smppd:');
    this.own = typeof redis === 'string';
    // Made like the daemon's own connections (createRedis): no resent writes after a reconnect, and
    // commands unanswered when the connection drops fail instead of hanging.
    this.redis = typeof redis === 'string' ? createRedis({ url: redis, prefix: this.keys.prefix }, 'smppd:client') : redis;
    // A connection we own reports its errors through the failed calls, not as an unhandled 'error' event.
    if (this.own) this.redis.on('error', () => undefined);
  }

  /**
   * Push one job; returns the stream entry id (also the job id when the job has none). OTP jobs go to
   * the priority stream, which smppd reads before the main one, so a login code never waits behind a
   * bulk load of marketing jobs pushed just before it.
   */
  async push(job: JobInput): Promise<string> {
    return (await this.redis.xadd(this.streamFor(job), '*', 'job', JSON.stringify(job)))!;
  }

  private streamFor(job: JobInput): string {
    return job.class === 'otp' ? this.keys.jobsPriority : this.keys.jobs;
  }

  /** Push many jobs in one pipelined round trip. */
  async pushMany(jobs: JobInput[]): Promise<string[]> {
    const p = this.redis.pipeline();
    for (const j of jobs) p.xadd(this.streamFor(j), '*', 'job', JSON.stringify(j));
    const res = (await p.exec()) ?? [];
    return res.map(([err, id]) => { if (err) throw err; return id as string; });
  }

  /** Events after `from` ('0' = from the start, '$' = only new ones), waiting up to blockMs. */
  async events(from = '0', count = 100, blockMs?: number): Promise<StreamItem<JobEvent>[]> {
    return this.read<JobEvent>(this.keys.events, 'event', from, count, blockMs);
  }

  /** The id of the newest event, to follow only what comes after it. */
  async lastEventId(): Promise<string> {
    const r = await this.redis.xrevrange(this.keys.events, '+', '-', 'COUNT', 1);
    return r[0]?.[0] ?? '0';
  }

  async mo(from = '0', count = 100, blockMs?: number): Promise<StreamItem<MoEvent>[]> {
    return this.read<MoEvent>(this.keys.mo, 'mo', from, count, blockMs);
  }

  private async read<T>(key: string, field: string, from: string, count: number, blockMs?: number): Promise<StreamItem<T>[]> {
    const res = blockMs === undefined
      ? await this.redis.xread('COUNT', count, 'STREAMS', key, from)
      : await this.redis.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', key, from);
    if (!res) return [];
    return res[0]![1].map(([streamId, fields]) => ({ streamId, value: JSON.parse(fields[fields.indexOf(field) + 1]!) as T }));
  }

  /** The opt-out list (marketing to a listed number is rejected OPTED_OUT). */
  optOut(op: ListOp, number: string): Promise<boolean> { return this.listOp(this.keys.optout(), op, number); }

  /** The blacklist: every class of job to a listed number is rejected BLACKLISTED. */
  blacklist(op: ListOp, number: string): Promise<boolean> { return this.listOp(this.keys.blacklist(), op, number); }

  /** add/remove: whether the set changed; check: whether the number is listed. */
  private async listOp(key: string, op: ListOp, number: string): Promise<boolean> {
    if (op === 'add') return (await this.redis.sadd(key, number)) === 1;
    if (op === 'remove') return (await this.redis.srem(key, number)) === 1;
    return (await this.redis.sismember(key, number)) === 1;
  }

  async close(): Promise<void> {
    if (this.own) await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
