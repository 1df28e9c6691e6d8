/** receipt.lua: named arguments in, one outcome per receipt out (its header states both layouts). */
import type { Redis } from 'ioredis';
import type { Config } from '../../config/types.js';
import type { Keys } from '../keys.js';
import type { RespArg } from '../resp.js';
import { runScript } from '../scripts.js';
import { eventsArg, pushInvalid, takeFinals, type FinalCount, type InvalidSettings } from './settings.js';

export interface ReceiptRecord { carrier: string; messageId: string; stat: string; err: string }

/** What receipt.lua did with one receipt; `latencyMs` (submit to final) only for 'final'. */
export type ReceiptOutcome = { status: 'final'; latencyMs: number } | { status: 'interim' | 'held' | 'dup' };

export interface ReceiptArgs {
  now: number;
  queue: Pick<Config['queue'], 'events' | 'eventsMaxLen' | 'retentionMs' | 'receiptTtlDays'>;
  care: InvalidSettings;
  receipts: readonly ReceiptRecord[];
}

export interface ReceiptResult { outcomes: ReceiptOutcome[]; finals: FinalCount[] }

/** receipt.lua's KEYS, in its header's order. */
export function receiptKeys(k: Keys) {
  return { events: k.events };
}

export async function applyReceipts(r: Redis, k: Keys, a: ReceiptArgs): Promise<ReceiptResult> {
  const q = a.queue;
  const args: RespArg[] = Object.values(receiptKeys(k));
  const numKeys = args.length;
  args.push(k.prefix, a.now, eventsArg(q), q.retentionMs, q.receiptTtlDays, a.receipts.length);
  for (const rec of a.receipts) args.push(rec.carrier, rec.messageId, rec.stat, rec.err);
  pushInvalid(args, a.care);
  const res = (await runScript(r, 'receipt', numKeys, args)) as unknown[];
  const finals = takeFinals(res);
  const outcomes = (res as string[]).map((s): ReceiptOutcome => (s.startsWith('final:')
    ? { status: 'final', latencyMs: Number(s.slice(6)) }
    : { status: s as 'interim' | 'held' | 'dup' }));
  return { outcomes, finals };
}
