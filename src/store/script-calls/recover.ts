/** recover.lua: named arguments in, what it handed back (or why it wrote nothing) out; lease-results.ts reads the reply. */
import type { Redis } from 'ioredis';
import type { Config } from '../../config/types.js';
import type { Keys } from '../keys.js';
import { readRecover, type RecoverResult } from '../lease-results.js';
import type { RespArg } from '../resp.js';
import { runScript } from '../scripts.js';
import { eventsArg, takeFinals, type FinalCount } from './settings.js';

export interface RecoverArgs {
  daemon: string;
  token: string;
  /** start: take the lease and hand back this daemon's own table too; peers: only dead peers'. */
  mode: 'start' | 'peers';
  /** This process's previous token, which a retake may replace ('' at process start). */
  prevToken: string;
  /** Tags of this daemon's claims whose reply never came (mode start): their jobs were never written. */
  lostClaims: readonly string[];
  now: number;
  queue: Pick<Config['queue'], 'events' | 'eventsMaxLen' | 'retentionMs' | 'leaseMs'>;
}

/** `finals`: the jobs it ended (none unless `outcome.kind` is 'recovered'). */
export interface RecoverCall { outcome: RecoverResult; finals: FinalCount[] }

/** recover.lua's KEYS, in its header's order. */
export function recoverKeys(k: Keys, a: Pick<RecoverArgs, 'daemon'>) {
  return {
    events: k.events, daemons: k.daemons, format: k.format, 'daemons:gen': k.daemonsGen, 'daemons:seen': k.daemonsSeen,
    'daemons:left': k.daemonsLeft, lease: k.lease(a.daemon), inflight: k.inflight(a.daemon),
  };
}

export async function recover(r: Redis, k: Keys, a: RecoverArgs): Promise<RecoverCall> {
  const q = a.queue;
  const args: RespArg[] = Object.values(recoverKeys(k, a));
  const numKeys = args.length;
  args.push(k.prefix, a.daemon, a.token, q.leaseMs, a.now, eventsArg(q), q.retentionMs, a.mode, a.prevToken, ...a.lostClaims);
  const res = (await runScript(r, 'recover', numKeys, args)) as (number | string)[];
  const outcome = readRecover(res, a.mode);
  return { outcome, finals: outcome.kind === 'recovered' ? takeFinals(res) : [] };
}
