/** lease.lua: renew or release this daemon's lease; lease-results.ts reads a renewal's reply. */
import type { Redis } from 'ioredis';
import type { Keys } from '../keys.js';
import { readRenew, type RenewResult } from '../lease-results.js';
import type { RespArg } from '../resp.js';
import { runScript } from '../scripts.js';

interface LeaseArgs { daemon: string; token: string; leaseMs: number }

export interface RenewArgs extends LeaseArgs {
  /** The join generation this daemon's TPS share reflects (0: none yet). */
  appliedGen: number;
  /** This daemon's join generation while it waits to send, else 0. */
  joinGen: number;
}

export interface ReleaseArgs extends LeaseArgs {
  /** A daemon joining within this window waits it out. */
  rateWindowMs: number;
}

/** lease.lua's KEYS, in its header's order. */
export function leaseKeys(k: Keys, a: Pick<LeaseArgs, 'daemon'>) {
  return {
    lease: k.lease(a.daemon), daemons: k.daemons, 'daemons:seen': k.daemonsSeen, 'daemons:left': k.daemonsLeft,
    'daemons:gen': k.daemonsGen,
  };
}

function head(k: Keys, a: LeaseArgs): { args: RespArg[]; numKeys: number } {
  const args: RespArg[] = Object.values(leaseKeys(k, a));
  const numKeys = args.length;
  args.push(k.prefix, a.daemon, a.token, a.leaseMs);
  return { args, numKeys };
}

export async function renewLease(r: Redis, k: Keys, a: RenewArgs): Promise<RenewResult> {
  const { args, numKeys } = head(k, a);
  args.push('renew', a.appliedGen, a.joinGen);
  return readRenew(await runScript(r, 'lease', numKeys, args));
}

/** Whether the lease was this token's (and is now released). */
export async function releaseLease(r: Redis, k: Keys, a: ReleaseArgs): Promise<boolean> {
  const { args, numKeys } = head(k, a);
  args.push('release', a.rateWindowMs);
  return Number(await runScript(r, 'lease', numKeys, args)) === 1;
}
