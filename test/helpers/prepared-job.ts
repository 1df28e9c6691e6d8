/** A prepared job for QueueStore.ingest: cmcc, transactional, no care rules; part k's body is `body-<id>-<k>`. */
import type { PreparedOk } from '../../src/types.js';

let seq = 1;

export function preparedJob(id: string, parts = 1, meta?: Record<string, unknown>): PreparedOk & { entryId: string } {
  return {
    ok: true, id, to: '+8613800138000', from: 'x', carrier: 'cmcc', class: 'transactional',
    parts: Array.from({ length: parts }, (_, k) => Buffer.from(`body-${id}-${k}`)), fingerprint: '', sendAt: 0, expiresAt: 0,
    tz: 'Asia/Shanghai', quietHours: 'ignore', resend: false, entryId: `${seq++}-0`, ...(meta ? { meta } : {}),
  };
}
