/** Prepared jobs for QueueStore.ingest, and what their claim said for QueueStore.settle. */
import type { Claimed } from '../../src/store/queue-store.js';
import type { ClaimedJob } from '../../src/store/settle-event.js';
import type { PreparedOk } from '../../src/types.js';

let seq = 1;

/** A prepared job for QueueStore.ingest: cmcc, transactional, no care rules; part k's body is `body-<id>-<k>`. */

export function preparedJob(id: string, parts = 1, meta?: string): PreparedOk & { entryId: string } {
  return {
    ok: true, id, to: '+8613800138000', from: 'x', carrier: 'cmcc', class: 'transactional',
    parts: Array.from({ length: parts }, (_, k) => Buffer.from(`body-${id}-${k}`)), fingerprint: '', sendAt: 0, expiresAt: 0,
    tz: 'Asia/Shanghai', quietHours: 'ignore', resend: false, entryId: `${seq++}-0`, ...(meta ? { meta } : {}),
  };
}

/** What a claim said about job `id`, to hand back in its settle record as the dispatcher does. */
export function jobOf(claimed: Claimed[] | 'lease-lost', id: string): ClaimedJob {
  const c = claimed === 'lease-lost' ? undefined : claimed.find((x) => x.id === id);
  if (!c) throw new Error(`job ${id} was not claimed`);
  return c.job;
}
