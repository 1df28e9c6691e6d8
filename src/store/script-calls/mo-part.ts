/** mo-part.lua: one part of a concatenated MO in, whether the message is now whole out. */
import type { Redis } from 'ioredis';
import { moMember, type Keys } from '../keys.js';
import { runScript } from '../scripts.js';

export interface MoPart { carrier: string; from: string; to: string; ref: number; total: number; seq: number; text: string }

/** What recordMo() needs to mark a joined message done. */
export interface MoDone { hashKey: string; pendingKey: string; member: string }

/** 'complete' carries the texts in order and the handle recordMo() needs to mark the message done. */
export type MoPartResult = { status: 'wait' | 'dup' } | { status: 'complete'; texts: string[]; done: MoDone };

export interface MoPartArgs { part: MoPart; now: number; keepMs: number }

/** mo-part.lua's KEYS, in its header's order. */
export function moPartKeys(k: Keys, a: Pick<MoPartArgs, 'part'>) {
  const p = a.part;
  const member = moMember(p.from, p.ref, p.total);
  return { 'mo:part': k.moPart(p.carrier, member), 'mo:pending': k.moPending(p.carrier) };
}

export async function moPart(r: Redis, k: Keys, a: MoPartArgs): Promise<MoPartResult> {
  const keys = moPartKeys(k, a);
  const p = a.part;
  const member = moMember(p.from, p.ref, p.total);
  const res = (await runScript(r, 'mo-part', 2, [keys['mo:part'], keys['mo:pending'], a.now, a.keepMs, member, p.from, p.to,
    p.total, p.seq, p.text])) as string[];
  if (res[0] !== 'complete') return { status: res[0] as 'wait' | 'dup' };
  return { status: 'complete', texts: res.slice(1), done: { hashKey: keys['mo:part'], pendingKey: keys['mo:pending'], member } };
}
