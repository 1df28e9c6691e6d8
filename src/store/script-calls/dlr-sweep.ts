/** dlr-sweep.lua: named arguments in, what it did per carrier out (its header states both layouts). */
import type { Redis } from 'ioredis';
import type { Config } from '../../config/types.js';
import type { Keys } from '../keys.js';
import type { RespArg } from '../resp.js';
import { runScript } from '../scripts.js';
import { eventsArg, takeFinals, type FinalCount } from './settings.js';

/** What one dlr-sweep.lua call did for a carrier; `more`: due mapping entries remain (call again). */
export interface UnconfirmedCount { carrier: string; ended: number; more: boolean }

export interface DlrSweepArgs {
  carriers: readonly string[];
  now: number;
  /** Receipt-map entries walked per carrier per call. */
  limit: number;
  /** The error text of each `unconfirmed` event. */
  error: string;
  queue: Pick<Config['queue'], 'events' | 'eventsMaxLen' | 'retentionMs' | 'receiptTtlDays'>;
}

export interface DlrSweepResult { carriers: UnconfirmedCount[]; finals: FinalCount[] }

/** dlr-sweep.lua's KEYS, in its header's order. */
export function dlrSweepKeys(k: Keys) {
  return { events: k.events };
}

export async function sweepUnconfirmed(r: Redis, k: Keys, a: DlrSweepArgs): Promise<DlrSweepResult> {
  const q = a.queue;
  const args: RespArg[] = Object.values(dlrSweepKeys(k));
  const numKeys = args.length;
  args.push(k.prefix, a.now, eventsArg(q), q.retentionMs, q.receiptTtlDays, a.limit, a.error, ...a.carriers);
  const res = (await runScript(r, 'dlr-sweep', numKeys, args)) as unknown[];
  const finals = takeFinals(res);
  const carriers: UnconfirmedCount[] = [];
  for (let i = 0; i + 2 < res.length; i += 3) {
    carriers.push({ carrier: String(res[i]), ended: Number(res[i + 1]), more: Number(res[i + 2]) === 1 });
  }
  return { carriers, finals };
}
