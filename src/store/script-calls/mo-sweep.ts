/** mo-sweep.lua: concatenated MOs past their deadline delivered as partial; out: one carrier name per MO. */
import type { Redis } from 'ioredis';
import type { Keys } from '../keys.js';
import type { RespArg } from '../resp.js';
import { runScript } from '../scripts.js';

export interface MoSweepArgs {
  carriers: readonly string[];
  now: number;
  /** Incomplete messages older than this are delivered. */
  maxAgeMs: number;
  /** Messages per carrier per call. */
  limit: number;
  /** The mo stream's cap. */
  moMaxLen: number;
}

/** mo-sweep.lua's KEYS, in its header's order. */
export function moSweepKeys(k: Keys) {
  return { mo: k.mo };
}

export async function sweepMo(r: Redis, k: Keys, a: MoSweepArgs): Promise<string[]> {
  const args: RespArg[] = Object.values(moSweepKeys(k));
  const numKeys = args.length;
  args.push(k.prefix, a.now, a.maxAgeMs, a.limit, a.moMaxLen, ...a.carriers);
  return (await runScript(r, 'mo-sweep', numKeys, args)) as string[];
}
