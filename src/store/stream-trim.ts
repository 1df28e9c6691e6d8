/**
 * Trims the streams by age, so no entry outlives retention: the job streams (`jobs`, `jobs:priority`)
 * once their entries are stored, the output streams (`events`, `mo`, `orphans`) whatever their count.
 *
 * Ages follow Redis's clock (TIME), not the daemon's: entry ids are Redis's milliseconds (XADD `*`), and
 * the daemon's clock may be shifted (SMPPD_CLOCK_OFFSET_MS) or simply wrong. Trimming is exact (MINID
 * without `~`): `~` drops whole stream nodes only, and a node of a quiet stream (up to 100 entries) can
 * span weeks. Each command touches one key. The reads and the trim are separate commands, which is
 * safe: between them the group only reads newer entries and acknowledges older ones, so the bound read
 * can only be older than the true one, never newer.
 */
import type { Redis } from 'ioredis';
import { GROUP, type Keys } from './keys.js';

export interface TrimAges {
  /** How old (by its id: when it was pushed) a job stream entry may get once the group has stored it (queue.streamRetentionMs). */
  jobStreamMs: number;
  /** How long an entry of events, mo and orphans is kept (queue.retentionMs). */
  outStreamMs: number;
}

/** What one trim did to one stream: the MINID used (null: trimmed nothing, e.g. no group yet) and the entries removed. */
export interface StreamTrimmed { stream: string; minId: string | null; trimmed: number }

type EntryId = readonly [ms: bigint, seq: bigint];

function parseId(id: string): EntryId {
  const [ms, seq] = id.split('-');
  return [BigInt(ms ?? '0'), BigInt(seq ?? '0')];
}

/** The older of two stream entry ids. */
export function olderId(a: string, b: string): string {
  const [am, as] = parseId(a);
  const [bm, bs] = parseId(b);
  return am < bm || (am === bm && as <= bs) ? a : b;
}

/** XINFO GROUPS reply: one flat field/value list per group. */
function groupInfo(reply: unknown, name: string): Map<string, unknown> | undefined {
  if (!Array.isArray(reply)) return undefined;
  for (const g of reply) {
    if (!Array.isArray(g)) continue;
    const m = new Map<string, unknown>();
    for (let i = 0; i + 1 < g.length; i += 2) m.set(String(g[i]), g[i + 1]);
    if (m.get('name') === name) return m;
  }
  return undefined;
}

export class StreamTrim {
  constructor(private redis: Redis, private keys: Keys) {}

  /** Redis's clock in ms (TIME). */
  async redisNowMs(): Promise<number> {
    const [sec, usec] = await this.redis.time();
    return Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
  }

  /**
   * The oldest entry of a job stream the group still needs: its oldest pending entry (read, not yet
   * stored), else the id just after its last-delivered one (everything up to that is stored, everything
   * after it unread; keeping the last-delivered entry would keep a quiet stream's last job for ever).
   * Null when the stream or the group does not exist: then nothing is known to be stored, nothing is trimmed.
   */
  async groupBound(stream: string): Promise<string | null> {
    let info: Map<string, unknown> | undefined;
    try {
      info = groupInfo(await this.redis.xinfo('GROUPS', stream), GROUP);
    } catch (e) {
      if (/no such key/i.test((e as Error).message)) return null;
      throw e;
    }
    if (!info) return null;
    const [ms, seq] = parseId(String(info.get('last-delivered-id') ?? '0-0'));
    let bound = `${ms}-${seq + 1n}`;
    if (Number(info.get('pending') ?? 0) > 0) {
      // Acknowledged meanwhile: the summary has no oldest id, and the bound above holds.
      const summary = (await this.redis.xpending(stream, GROUP)) as [number, string | null, string | null, unknown];
      if (summary[1]) bound = olderId(bound, summary[1]);
    }
    return bound;
  }

  /** Trims every stream once; `ages` as configured. */
  async trim(ages: TrimAges): Promise<StreamTrimmed[]> {
    const nowMs = await this.redisNowMs();
    const out: StreamTrimmed[] = [];
    for (const stream of this.keys.jobStreams) {
      const bound = await this.groupBound(stream);
      const minId = bound === null ? null : olderId(`${Math.max(0, nowMs - ages.jobStreamMs)}-0`, bound);
      out.push({ stream, minId, trimmed: minId === null ? 0 : await this.xtrim(stream, minId) });
    }
    const minId = `${Math.max(0, nowMs - ages.outStreamMs)}-0`;
    for (const stream of [this.keys.events, this.keys.mo, this.keys.orphans]) {
      out.push({ stream, minId, trimmed: await this.xtrim(stream, minId) });
    }
    return out;
  }

  private async xtrim(stream: string, minId: string): Promise<number> {
    return Number(await this.redis.xtrim(stream, 'MINID', minId));
  }
}
