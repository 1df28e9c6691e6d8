/** receipt-sweep.lua: named arguments in, what it did per carrier out (its header states both layouts). */
import type { Redis } from 'ioredis';
import type { Config } from '../../config/types.js';
import type { Keys } from '../keys.js';
import type { RespArg } from '../resp.js';
import { runScript } from '../scripts.js';
import { eventsArg, pushInvalid, takeFinals, type FinalCount, type InvalidSettings } from './settings.js';

export interface SweepCount { carrier: string; orphaned: number; applied: number }

export interface ReceiptSweepArgs {
  carriers: readonly string[];
  now: number;
  /** Early receipts looked at per carrier per call. */
  limit: number;
  queue: Pick<Config['queue'], 'events' | 'eventsMaxLen' | 'retentionMs' | 'receiptTtlDays' | 'earlyReceiptMs'>;
  /** The orphans stream's cap. */
  orphansMaxLen: number;
  care: InvalidSettings;
}

export interface ReceiptSweepResult { carriers: SweepCount[]; finals: FinalCount[] }

/** receipt-sweep.lua's KEYS, in its header's order. */
export function receiptSweepKeys(k: Keys) {
  return { events: k.events, orphans: k.orphans };
}

export async function sweepReceipts(r: Redis, k: Keys, a: ReceiptSweepArgs): Promise<ReceiptSweepResult> {
  const q = a.queue;
  const args: RespArg[] = Object.values(receiptSweepKeys(k));
  const numKeys = args.length;
  args.push(k.prefix, a.now, eventsArg(q), q.retentionMs, q.receiptTtlDays, q.earlyReceiptMs, a.limit, a.orphansMaxLen,
    a.carriers.length, ...a.carriers);
  pushInvalid(args, a.care);
  const res = (await runScript(r, 'receipt-sweep', numKeys, args)) as unknown[];
  const finals = takeFinals(res);
  const carriers: SweepCount[] = [];
  for (let i = 0; i + 2 < res.length; i += 3) {
    carriers.push({ carrier: String(res[i]), orphaned: Number(res[i + 1]), applied: Number(res[i + 2]) });
  }
  return { carriers, finals };
}
