/** settle.lua: named arguments in, one status per record out (its header states both layouts). */
import type { Redis } from 'ioredis';
import type { Config } from '../../config/types.js';
import type { Keys } from '../keys.js';
import type { RespArg } from '../resp.js';
import { runScript } from '../scripts.js';
import { submittedEvent, type ClaimedJob } from '../settle-event.js';
import { eventsArg, pushInvalid, takeFinals, type FinalCount } from './settings.js';

export type SettleRecord =
  /** `channel`: the channel its parts went out on (named in the `submitted` event). */
  | { act: 'ok'; id: string; msgIds: string[]; code?: string; error?: string; job: ClaimedJob; channel?: string }
  | { act: 'requeue'; id: string }
  | { act: 'retry'; id: string; code: string; error: string }
  /**
   * `status`: the SMPP command_status that refused it, one of care.invalidSubmitStatuses marks the number
   * invalid; `badNumber`: a protocol's own bad-destination result (CMPP 3.0 Result 13) marks it.
   */
  | { act: 'fail'; id: string; code: string; error: string; status?: number; badNumber?: boolean }
  | { act: 'unknown'; id: string };

/** What settle.lua did with each record, in order; `skipped`: the job was not this daemon's in flight. */
export type SettleStatus = 'submitted' | 'queued' | 'scheduled' | 'failed' | 'unknown' | 'skipped';

export interface SettleArgs {
  daemon: string;
  now: number;
  queue: Pick<Config['queue'], 'events' | 'eventsMaxLen' | 'retentionMs' | 'receiptTtlDays' | 'maxAttempts' | 'retryBaseMs'
    | 'retryMaxMs' | 'deadMax'>;
  care: Pick<Config['care'], 'invalidForMs' | 'invalidErrorCodes' | 'invalidSubmitStatuses'>;
  records: readonly SettleRecord[];
}

export interface SettleResult { statuses: SettleStatus[]; finals: FinalCount[] }

/** settle.lua's KEYS, in its header's order. */
export function settleKeys(k: Keys, a: Pick<SettleArgs, 'daemon'>) {
  return { events: k.events, inflight: k.inflight(a.daemon), dead: k.dead };
}

export async function settle(r: Redis, k: Keys, a: SettleArgs): Promise<SettleResult> {
  const q = a.queue;
  const now = a.now;
  const args: RespArg[] = Object.values(settleKeys(k, a));
  const numKeys = args.length;
  args.push(k.prefix, now, eventsArg(q), q.retentionMs, q.receiptTtlDays, q.maxAttempts, q.retryBaseMs, q.retryMaxMs,
    q.deadMax, a.records.length);
  for (const rec of a.records) {
    if (rec.act === 'ok') {
      const t = submittedEvent(rec.id, now, rec.job, rec.msgIds, rec.code, rec.error, rec.channel, q.events === 'all');
      args.push('ok', rec.id, rec.msgIds.length);
      for (const m of rec.msgIds) args.push(m);
      args.push(rec.job.carrier, t.idsJson, t.event, rec.job.record ?? '');
    } else if (rec.act === 'retry') args.push(rec.act, rec.id, rec.code, rec.error);
    else if (rec.act === 'fail') {
      const bad = rec.badNumber === true || (rec.status !== undefined && a.care.invalidSubmitStatuses.includes(rec.status));
      args.push(rec.act, rec.id, rec.code, rec.error, bad ? '1' : '');
    }
    else args.push(rec.act, rec.id);
  }
  pushInvalid(args, a.care);
  const res = (await runScript(r, 'settle', numKeys, args)) as unknown[];
  const finals = takeFinals(res);
  return { statuses: res as SettleStatus[], finals };
}
