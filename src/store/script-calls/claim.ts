/** claim.lua: named arguments in, the jobs claimed (or a lost lease) out (its header states both layouts). */
import type { Redis } from 'ioredis';
import type { Config } from '../../config/types.js';
import type { MessageBodies } from '../../types.js';
import { storedBodies } from '../bodies.js';
import type { Keys } from '../keys.js';
import type { RespArg } from '../resp.js';
import { runScript } from '../scripts.js';
import type { ClaimedJob } from '../settle-event.js';
import { eventsArg, takeFinals, type FinalCount } from './settings.js';

/**
 * A job claimed and marked submitting; `otp`: of class otp (its answer is settled ahead of bulk ones);
 * `job`: what its `submitted` event needs, handed back in its settle record (settle-event.ts).
 */
export interface Claimed { id: string; bodies: MessageBodies; otp: boolean; job: ClaimedJob }

export interface ClaimArgs {
  daemon: string;
  token: string;
  carrier: string;
  now: number;
  maxParts: number;
  /** At most this many parts of the classes below OTP (the rest of the window is kept for OTP). */
  restParts: number;
  queue: Pick<Config['queue'], 'events' | 'eventsMaxLen' | 'retentionMs' | 'marketingShare'>;
  /** Due scheduled jobs moved to their lane per call. */
  promoteMax: number;
  /** Quiet hours, minutes of the local day. */
  quietStartMin: number;
  quietEndMin: number;
  /** Names this claim in the in-flight table until the next recover (a claim whose reply is lost). */
  tag: string;
}

export type ClaimResult = { kind: 'lease-lost' } | { kind: 'claimed'; jobs: Claimed[]; finals: FinalCount[] };

/** claim.lua's KEYS, in its header's order. */
export function claimKeys(k: Keys, a: Pick<ClaimArgs, 'daemon' | 'carrier'>) {
  const c = a.carrier;
  return {
    events: k.events, inflight: k.inflight(a.daemon), lease: k.lease(a.daemon), sched: k.sched(c),
    'lane:otp': k.lane(c, 'otp'), 'lane:transactional': k.lane(c, 'transactional'), 'lane:marketing': k.lane(c, 'marketing'),
    mcredit: k.mcredit(c),
  };
}

export async function claim(r: Redis, k: Keys, a: ClaimArgs): Promise<ClaimResult> {
  const args: RespArg[] = Object.values(claimKeys(k, a));
  const numKeys = args.length;
  const q = a.queue;
  args.push(k.prefix, a.token, a.now, a.maxParts, q.marketingShare, eventsArg(q), q.retentionMs, a.promoteMax,
    a.quietStartMin, a.quietEndMin, a.restParts, a.tag);
  const res = (await runScript(r, 'claim', numKeys, args, true)) as (Buffer | number)[] | number;
  if (res === -1 || !Array.isArray(res)) return { kind: 'lease-lost' };
  const finals = takeFinals(res);
  const otp = Number(res[0]);
  const jobs: Claimed[] = [];
  for (let i = 1; i + 4 < res.length; i += 5) {
    const n = Number(res[i + 1]);
    const job: ClaimedJob = { carrier: a.carrier, parts: n, meta: res[i + 3]!.toString() };
    if ((res[i + 4] as Buffer).length > 0) job.record = res[i + 4]!.toString();
    jobs.push({ id: res[i]!.toString(), bodies: storedBodies(res[i + 2] as Buffer, n), otp: jobs.length < otp, job });
  }
  return { kind: 'claimed', jobs, finals };
}
