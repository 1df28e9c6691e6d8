/** revive-dead.lua: dead letters sent again, each as a new job; out: what happened to each id. */
import type { Redis } from 'ioredis';
import type { Keys } from '../keys.js';
import type { RespArg } from '../resp.js';
import { runScript } from '../scripts.js';

/** What `retry` did with one id: the new job's id, or why nothing was sent. */
export type RetryResult = { id: string; newId: string } | { id: string; skipped: 'missing' | 'live' | 'gone' };

export interface ReviveArgs { ids: readonly string[]; now: number }

/** revive-dead.lua's KEYS, in its header's order. */
export function reviveDeadKeys(k: Keys) {
  return { events: k.events, dead: k.dead };
}

export async function reviveDead(r: Redis, k: Keys, a: ReviveArgs): Promise<RetryResult[]> {
  const args: RespArg[] = Object.values(reviveDeadKeys(k));
  const numKeys = args.length;
  args.push(k.prefix, a.now, ...a.ids);
  const res = (await runScript(r, 'revive-dead', numKeys, args)) as string[];
  return a.ids.map((id, i) => {
    const s = res[i]!;
    return s === 'missing' || s === 'live' || s === 'gone' ? { id, skipped: s } : { id, newId: s };
  });
}
