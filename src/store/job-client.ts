/**
 * The typed client apps use to push jobs and read events and MO (`import { SmppdClient } from 'smppd/client'`).
 * It writes exactly what the README documents: `XADD <prefix>jobs * job <json>`. It is typed against
 * the few Redis methods it calls (ClientRedis), not against one ioredis version, so an app passes the
 * ioredis 5 or 6 client it already has.
 */
import { createRedis, type Redis } from './redis.js';
import type { JobEvent, JobInput, MoEvent } from '../types.js';
import { Keys } from './keys.js';

export type { MoEvent };

export type ListOp = 'add' | 'remove' | 'check';

export interface StreamItem<T> { streamId: string; value: T }

type Entry = [id: string, fields: string[]];

/**
 * What SmppdClient needs of a Redis client: ioredis 5 and 6 clients both have this shape. Replies it
 * reads are `unknown` where ioredis 6 may give another shape (RESP3 maps): read() accepts both.
 */
export interface ClientRedis {
  xadd(key: string, id: '*', field: string, value: string): Promise<string | null>;
  xrevrange(key: string, end: '+', start: '-', countToken: 'COUNT', count: number): Promise<Entry[]>;
  xread(countToken: 'COUNT', count: number, streamsToken: 'STREAMS', key: string, id: string): Promise<unknown>;
  xread(countToken: 'COUNT', count: number, blockToken: 'BLOCK', ms: number, streamsToken: 'STREAMS', key: string, id: string): Promise<unknown>;
  sadd(key: string, member: string): Promise<number>;
  srem(key: string, member: string): Promise<number>;
  sismember(key: string, member: string): Promise<number>;
  pipeline(): ClientPipeline;
}

export interface ClientPipeline {
  xadd(key: string, id: '*', field: string, value: string): unknown;
  exec(): Promise<[error: Error | null, result: unknown][] | null>;
}

export class SmppdClient {
  readonly keys: Keys;
  private readonly redis: ClientRedis;
  /** The connection this client made from a URL (closed by close()); undefined for the caller's own. */
  private readonly own: Redis | undefined;

  /** `redis` is a URL or an ioredis (5 or 6) client the caller owns. */
  constructor(redis: string | ClientRedis, opts: { prefix?: string } = {}) {
    this.keys = new Keys(opts.prefix ?? 'smppd:');
    if (typeof redis === 'string') {
      // Made like the daemon's own connections (createRedis): no resent writes after a reconnect, and
      // commands unanswered when the connection drops fail instead of hanging.
      this.own = createRedis({ url: redis, prefix: this.keys.prefix }, 'smppd:client');
      // A connection we own reports its errors through the failed calls, not as an unhandled 'error' event.
      this.own.on('error', () => undefined);
    }
    this.redis = this.own ?? (redis as ClientRedis);
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
    return entriesOf(res, key).map(([streamId, fields]) => ({ streamId, value: JSON.parse(fields[fields.indexOf(field) + 1]!) as T }));
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
    const own = this.own;
    if (own) await own.quit().catch(() => own.disconnect());
  }
}

/**
 * The entries of one stream in an XREAD reply: `[[key, entries]]` (RESP2, and ioredis 6's default
 * mapping) or `{ key: entries }` (ioredis 6 with replyMapping "resp3"); null when nothing came.
 */
function entriesOf(res: unknown, key: string): Entry[] {
  if (res === null || res === undefined) return [];
  if (Array.isArray(res)) return (res as [string, Entry[]][]).find(([k]) => k === key)?.[1] ?? [];
  return (res as Record<string, Entry[]>)[key] ?? [];
}
