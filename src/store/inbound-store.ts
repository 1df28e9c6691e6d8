/**
 * Redis side of what carriers send us besides responses: the orphans stream (receipts that matched
 * nothing, or could not be read), the early-receipt sweep, and MO parts kept until their message is
 * whole. Each change is one Lua script or one MULTI, so a resent PDU changes nothing twice.
 */
import type { Config } from '../config/types.js';
import { ErrorCodes } from '../errors.js';
import { tellFinals, type QueueStore } from './queue-store.js';
import { sweepUnconfirmed, type UnconfirmedCount } from './script-calls/dlr-sweep.js';
import { moPart, type MoDone, type MoPart, type MoPartResult } from './script-calls/mo-part.js';
import { sweepMo } from './script-calls/mo-sweep.js';
import { sweepReceipts, type SweepCount } from './script-calls/receipt-sweep.js';
import type { MoEvent } from '../types.js';

// Defined beside the job types, so the typed client (src/client.ts) needs nothing of this file.
export type { MoEvent };
export type { MoPart, MoPartResult, SweepCount, UnconfirmedCount };

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
    const res = await sweepReceipts(this.redis, this.keys, {
      carriers, now: this.now(), limit: SWEEP_LIMIT, queue: q, orphansMaxLen: q.eventsMaxLen, care: cfg.care,
    });
    tellFinals(res.finals, this.store.onFinals);
    return res.carriers;
  }

  /**
   * Jobs whose receipt can no longer match (their mapping bucket is past queue.receiptTtlDays) end
   * `unconfirmed`, and the bucket is deleted; at most `limit` mapping entries per carrier per call.
   */
  async sweepUnconfirmed(carriers: string[], limit = SWEEP_LIMIT): Promise<UnconfirmedCount[]> {
    if (carriers.length === 0) return [];
    const q = this.config().queue;
    const res = await sweepUnconfirmed(this.redis, this.keys, {
      carriers, now: this.now(), limit, error: ErrorCodes.NO_RECEIPT, queue: q,
    });
    tellFinals(res.finals, this.store.onFinals);
    return res.carriers;
  }

  /** How many receipts wait for their mapping, per carrier (for `status` and tests). */
  async earlyCount(carrier: string): Promise<number> { return this.redis.zcard(this.keys.earlyAt(carrier)); }

  async moPart(p: MoPart): Promise<MoPartResult> {
    // The parts outlive the partial deadline so the sweep, not the TTL, decides what happens to them.
    const keepMs = this.config().queue.moPartialMs * 2 + 60_000;
    return moPart(this.redis, this.keys, { part: p, now: this.now(), keepMs });
  }

  /** MO out, opt-out in, and (for a joined message) its parts marked done: one MULTI. */
  async recordMo(mo: MoEvent, optOutNumber: string | null, done?: MoDone): Promise<void> {
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
    return sweepMo(this.redis, this.keys, { carriers, now: this.now(), maxAgeMs: q.moPartialMs, limit: SWEEP_LIMIT, moMaxLen: q.moMaxLen });
  }
}
