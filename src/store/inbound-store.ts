/**
 * Redis side of what carriers send us besides responses: the orphans stream (receipts that matched
 * nothing, or could not be read), the early-receipt sweep, and MO parts kept until their message is
 * whole. Each change is one Lua script or one MULTI, so a resent PDU changes nothing twice.
 */
import type { Config } from '../config/types.js';
import { ErrorCodes } from '../errors.js';
import { eventsArg, invalidTail, takeFinals, type QueueStore } from './queue-store.js';
import { runScript } from './scripts.js';
import type { MoEvent } from '../types.js';

// Defined beside the job types, so the typed client (src/client.ts) needs nothing of this file.
export type { MoEvent };

export interface MoPart { carrier: string; from: string; to: string; ref: number; total: number; seq: number; text: string }

/** 'complete' carries the texts in order and the handle recordMo() needs to mark the message done. */
export type MoPartResult =
  | { status: 'wait' | 'dup' }
  | { status: 'complete'; texts: string[]; done: { hashKey: string; pendingKey: string; member: string } };

export interface SweepCount { carrier: string; orphaned: number; applied: number }

/** What one dlr-sweep.lua call did for a carrier; `more`: due mapping entries remain (call again). */
export interface UnconfirmedCount { carrier: string; ended: number; more: boolean }

const SWEEP_LIMIT = 500; // per carrier per sweep: one sweep stays well under a millisecond of Redis time

export class InboundStore {
  constructor(private store: QueueStore, private config: () => Config, private now: () => number = Date.now) {}

  private get keys() { return this.store.keys; }
  private get redis() { return this.store.redis; }

  /** An unreadable receipt, kept with its raw text so an operator can still match it by hand. */
  async orphan(record: { carrier: string; reason: string; text: string; messageId?: string }): Promise<void> {
    const q = this.config().queue;
    await this.redis.xadd(this.keys.orphans, 'MAXLEN', '~', q.eventsMaxLen, '*', 'orphan',
      JSON.stringify({ ...record, at: this.now() }));
  }

  /** Early receipts older than queue.earlyReceiptMs: applied if their mapping has appeared, else orphaned. */
  async sweepReceipts(carriers: string[]): Promise<SweepCount[]> {
    if (carriers.length === 0) return [];
    const cfg = this.config();
    const q = cfg.queue;
    const res = (await runScript(this.redis, 'receipt-sweep', [this.keys.prefix, this.now(), eventsArg(q),
      q.retentionMs, q.receiptTtlDays, q.earlyReceiptMs, SWEEP_LIMIT, q.eventsMaxLen, carriers.length, ...carriers,
      ...invalidTail(cfg.care)])) as (string | number)[];
    takeFinals(res, this.store.onFinals);
    const out: SweepCount[] = [];
    for (let i = 0; i + 2 < res.length; i += 3) out.push({ carrier: String(res[i]), orphaned: Number(res[i + 1]), applied: Number(res[i + 2]) });
    return out;
  }

  /**
   * Jobs whose receipt can no longer match (their mapping bucket is past queue.receiptTtlDays) end
   * `unconfirmed`, and the bucket is deleted; at most `limit` mapping entries per carrier per call.
   */
  async sweepUnconfirmed(carriers: string[], limit = SWEEP_LIMIT): Promise<UnconfirmedCount[]> {
    if (carriers.length === 0) return [];
    const q = this.config().queue;
    const res = (await runScript(this.redis, 'dlr-sweep', [this.keys.prefix, this.now(), eventsArg(q), q.retentionMs,
      q.receiptTtlDays, limit, ErrorCodes.NO_RECEIPT, ...carriers])) as (string | number)[];
    takeFinals(res, this.store.onFinals);
    const out: UnconfirmedCount[] = [];
    for (let i = 0; i + 2 < res.length; i += 3) out.push({ carrier: String(res[i]), ended: Number(res[i + 1]), more: Number(res[i + 2]) === 1 });
    return out;
  }

  /** How many receipts wait for their mapping, per carrier (for `status` and tests). */
  async earlyCount(carrier: string): Promise<number> { return this.redis.zcard(this.keys.earlyAt(carrier)); }

  async moPart(p: MoPart): Promise<MoPartResult> {
    // The parts outlive the partial deadline so the sweep, not the TTL, decides what happens to them.
    const keepMs = this.config().queue.moPartialMs * 2 + 60_000;
    const res = (await runScript(this.redis, 'mo-part', [this.keys.prefix, this.now(), keepMs, p.carrier, p.from, p.to,
      p.ref, p.total, p.seq, p.text])) as string[];
    if (res[0] !== 'complete') return { status: res[0] as 'wait' | 'dup' };
    return {
      status: 'complete', texts: res.slice(3),
      done: { hashKey: res[1]!, pendingKey: this.keys.moPending(p.carrier), member: res[2]! },
    };
  }

  /** MO out, opt-out in, and (for a joined message) its parts marked done: one MULTI. */
  async recordMo(mo: MoEvent, optOutNumber: string | null, done?: { hashKey: string; pendingKey: string; member: string }): Promise<void> {
    const m = this.redis.multi();
    if (optOutNumber) m.sadd(this.keys.optout(), optOutNumber);
    m.xadd(this.keys.mo, 'MAXLEN', '~', this.config().queue.moMaxLen, '*', 'mo', JSON.stringify(mo));
    if (done) { m.hset(done.hashKey, 'done', '1'); m.zrem(done.pendingKey, done.member); }
    const res = await m.exec();
    const err = res?.find(([e]) => e)?.[0];
    if (err) throw err;
  }

  /** Concatenated MOs past queue.moPartialMs, delivered as partial; returns their carriers. */
  async sweepMo(carriers: string[]): Promise<string[]> {
    if (carriers.length === 0) return [];
    const q = this.config().queue;
    return (await runScript(this.redis, 'mo-sweep', [this.keys.prefix, this.now(), q.moPartialMs, SWEEP_LIMIT,
      q.moMaxLen, ...carriers])) as string[];
  }
}
