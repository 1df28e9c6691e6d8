/** purge-dead.lua: dead letters dropped with their kept bodies; out: how many of the ids were dead letters. */
import type { Redis } from 'ioredis';
import type { Keys } from '../keys.js';
import type { RespArg } from '../resp.js';
import { runScript } from '../scripts.js';

export interface PurgeArgs { ids: readonly string[] }

/** purge-dead.lua's KEYS, in its header's order. */
export function purgeDeadKeys(k: Keys) {
  return { dead: k.dead };
}

export async function purgeDead(r: Redis, k: Keys, a: PurgeArgs): Promise<number> {
  const args: RespArg[] = Object.values(purgeDeadKeys(k));
  const numKeys = args.length;
  args.push(k.prefix, ...a.ids);
  return Number(await runScript(r, 'purge-dead', numKeys, args));
}
