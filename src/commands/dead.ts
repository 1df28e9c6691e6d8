/**
 * `smppd dead list|retry|purge`: the dead letters, jobs that ended `failed` after queue.maxAttempts
 * transient errors. `retry` sends each again as a new job (`<id>:r1`, revive-dead.lua): the failed job
 * keeps its one final event, and an id already retried is no longer a dead letter, so nothing is sent
 * twice by retrying twice. Numbers are shown masked.
 */
import { maskNumber } from '../obs/logger.js';
import { DeadLetters } from '../store/dead-letters.js';
import { openRedis } from './client.js';
import { Exit, type Io } from './io.js';

export interface DeadArgs {
  redis: string; prefix: string; op: 'list' | 'retry' | 'purge'; ids: string[];
  all: boolean; olderThan?: string; limit: number; json: boolean;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `15m`, `12h`, `7d`, `500ms` -> ms; undefined when unreadable. */
export function durationMs(s: string): number | undefined {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(s.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : undefined;
}

function usage(io: Io, msg: string): number {
  io.err(`smppd dead: ${msg}`);
  return Exit.USAGE;
}

export async function dead(a: DeadArgs, io: Io): Promise<number> {
  const older = a.olderThan === undefined ? undefined : durationMs(a.olderThan);
  if (a.olderThan !== undefined && older === undefined) return usage(io, `--older-than must be a duration like 7d, 12h, 30m, got ${a.olderThan}`);
  if (a.op === 'list' && (a.ids.length > 0 || a.all || older !== undefined)) return usage(io, 'list takes no ids, --all or --older-than');
  if (a.op === 'retry' && older !== undefined) return usage(io, 'retry takes ids or --all');
  const selectors = (a.ids.length > 0 ? 1 : 0) + (a.all ? 1 : 0) + (older !== undefined ? 1 : 0);
  if (a.op !== 'list' && selectors !== 1) return usage(io, `${a.op} needs exactly one of: ids, --all${a.op === 'purge' ? ', --older-than DUR' : ''}`);
  if (!Number.isInteger(a.limit) || a.limit < 1) return usage(io, '--limit must be a positive integer');

  const opened = await openRedis(a.redis, a.prefix, io, 'dead');
  if (typeof opened === 'number') return opened;
  try {
    const letters = new DeadLetters(opened.redis, a.prefix);
    if (a.op === 'list') return await list(letters, a, io);
    const ids = a.ids.length > 0 ? a.ids : await letters.ids(older);
    if (a.op === 'purge') {
      const n = await letters.purge(ids);
      io.out(a.json ? JSON.stringify({ purged: n }) : `purged ${n} dead letter${n === 1 ? '' : 's'}`);
      return Exit.OK;
    }
    const res = await letters.retry(ids);
    if (a.json) io.out(JSON.stringify(res));
    else for (const r of res) io.out('newId' in r ? `${r.id}: queued again as ${r.newId}` : `${r.id}: not sent (${r.skipped})`);
    const sent = res.filter((r) => 'newId' in r).length;
    if (!a.json) io.out(`${sent} of ${res.length} queued again`);
    return sent === res.length ? Exit.OK : Exit.FAILURE;
  } finally {
    await opened.close();
  }
}

async function list(letters: DeadLetters, a: DeadArgs, io: Io): Promise<number> {
  const [total, rows] = await Promise.all([letters.count(), letters.list(a.limit)]);
  const shown = rows.map((r) => ({ ...r, ...(r.to ? { to: maskNumber(r.to) } : {}), failedAt: new Date(r.failedAtMs).toISOString() }));
  if (a.json) {
    io.out(JSON.stringify({ total, letters: shown }));
    return Exit.OK;
  }
  io.out(`${total} dead letter${total === 1 ? '' : 's'}${total > rows.length ? `, newest ${rows.length} shown` : ''}`);
  for (const r of shown) {
    io.out([r.id, r.failedAt, r.carrier ?? '-', r.class ?? '-', r.to ?? '-', `attempts ${r.attempts ?? '-'}`,
      r.retryable ? 'retryable' : 'expired (purge it)'].join('  '));
  }
  return Exit.OK;
}
