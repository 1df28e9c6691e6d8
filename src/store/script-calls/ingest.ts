/** ingest.lua: named arguments in, one status per job out (its header states both layouts). */
import type { Redis } from 'ioredis';
import type { Config } from '../../config/types.js';
import type { ErrorCode } from '../../errors.js';
import type { Prepared } from '../../types.js';
import { packChannelBodies, preparedParts } from '../bodies.js';
import { GROUP, type Keys } from '../keys.js';
import type { RespArg } from '../resp.js';
import { runScript } from '../scripts.js';
import { eventsArg, takeFinals, type FinalCount } from './settings.js';

/** What ingest.lua did with each job, in order: stored, scheduled, refused with a code, or a replay of one stored before. */
export type IngestStatus = 'queued' | 'scheduled' | 'replay' | `rejected:${ErrorCode}`;

export interface IngestArgs {
  /** The stream the entries were read from: they are XACKed there. */
  stream: string;
  now: number;
  queue: Pick<Config['queue'], 'events' | 'eventsMaxLen' | 'retentionMs'>;
  dedupWindowMs: number;
  jobs: readonly (Prepared & { entryId: string })[];
}

export interface IngestResult { statuses: IngestStatus[]; finals: FinalCount[] }

/** ingest.lua's KEYS, in its header's order. */
export function ingestKeys(k: Keys, a: Pick<IngestArgs, 'stream'>) {
  return { events: k.events, stream: a.stream, blacklist: k.blacklist(), optout: k.optout(), daemons: k.daemons };
}

/**
 * The job's `qo` (claim.lua zone_offset): the zone's offset at the send time, then its changes within a
 * year as `minute,offset` pairs; '' when quiet hours do not apply.
 */
export function zoneOffsets(j: { utcOffsetMin?: number; offsetChanges?: string }): string {
  if (j.utcOffsetMin === undefined) return '';
  return j.offsetChanges ? `${j.utcOffsetMin},${j.offsetChanges}` : String(j.utcOffsetMin);
}

export async function ingest(r: Redis, k: Keys, a: IngestArgs): Promise<IngestResult> {
  const args: RespArg[] = Object.values(ingestKeys(k, a));
  const numKeys = args.length;
  args.push(k.prefix, GROUP, a.now, eventsArg(a.queue), a.queue.retentionMs, a.dedupWindowMs, a.jobs.length);
  for (const j of a.jobs) {
    const meta = j.meta ?? '';
    if (j.ok) {
      const qo = zoneOffsets(j);
      if (j.sendAt <= a.now && !j.resend && meta === '' && qo === '' && !j.deferred && !j.cap) {
        // Nothing but what every job has: the short record (ingest.lua's header), 10 arguments instead of 18.
        args.push('a', j.entryId, j.id, j.to, j.carrier, j.class, j.fingerprint, j.expiresAt, preparedParts(j), packChannelBodies(j));
      } else {
        args.push('A', j.entryId, j.id, j.to, j.carrier, j.class, j.fingerprint, j.sendAt, j.expiresAt,
          j.resend ? '1' : '0', meta, qo, j.deferred ?? '',
          j.cap?.key ?? '', j.cap?.limit ?? 0, j.cap?.expireAtMs ?? 0, preparedParts(j), packChannelBodies(j));
      }
    } else {
      args.push('R', j.entryId, j.id, j.code, j.error, j.to ?? '', meta);
    }
  }
  const res = (await runScript(r, 'ingest', numKeys, args)) as unknown[];
  const finals = takeFinals(res);
  return { statuses: res as IngestStatus[], finals };
}
