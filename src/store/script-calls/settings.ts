/**
 * The arguments several scripts take alike, written as common.lua reads them, and the final outcomes
 * every script that ends jobs hands back last (common.lua finals_reply).
 */
import type { Config } from '../../config/types.js';
import type { RespArg } from '../resp.js';

export type EventsSettings = Pick<Config['queue'], 'events' | 'eventsMaxLen'>;

/** The events argument (common.lua events_cap): the stream's cap, and ` finals` when only final states write one. */
export function eventsArg(q: EventsSettings): string {
  return q.events === 'finals' ? `${q.eventsMaxLen} finals` : String(q.eventsMaxLen);
}

export type InvalidSettings = Pick<Config['care'], 'invalidForMs' | 'invalidErrorCodes'>;

/** Number hygiene, the ARGV tail common.lua's load_invalid reads: invalidForMs, the codes, their count. */
export function pushInvalid(args: RespArg[], care: InvalidSettings): void {
  args.push(care.invalidForMs);
  for (const c of care.invalidErrorCodes) args.push(c);
  args.push(care.invalidErrorCodes.length);
}

/** Jobs a call ended, by carrier, class and state ('' when the job had none). */
export interface FinalCount { carrier: string; cls: string; state: string; count: number }

/** Takes the last reply element (common.lua finals_reply: 'carrier class state', count, ...) off `res`. */
export function takeFinals(res: unknown[]): FinalCount[] {
  const tail = res.pop();
  const out: FinalCount[] = [];
  if (!Array.isArray(tail)) return out;
  for (let i = 0; i + 1 < tail.length; i += 2) {
    const [carrier = '', cls = '', state = ''] = String(tail[i]).split(' ');
    out.push({ carrier, cls, state, count: Number(tail[i + 1]) });
  }
  return out;
}
