/**
 * Typed access to the queue: every multi-key change is one Lua script (lua/), one round trip per batch,
 * run through its typed call (script-calls/).
 */
import type { Redis } from 'ioredis';
import type { Config } from '../config/types.js';
import type { JobClass, Prepared, RawJob } from '../types.js';
import { JOB_CLASSES } from '../types.js';

import { SmppdError } from '../errors.js';
import { GROUP, Keys } from './keys.js';
import { jobFields } from './job-record.js';
import type { RecoverResult, RenewResult } from './lease-results.js';
import { clockMinutes } from '../care/quiet-hours.js';
import { claim, type Claimed } from './script-calls/claim.js';
import { ingest, type IngestStatus } from './script-calls/ingest.js';
import { renewLease, releaseLease } from './script-calls/lease.js';
import { applyReceipts, type ReceiptOutcome, type ReceiptRecord } from './script-calls/receipt.js';
import { recover } from './script-calls/recover.js';
import { settle, type SettleRecord, type SettleStatus } from './script-calls/settle.js';
import type { FinalCount } from './script-calls/settings.js';

export type { Claimed, IngestStatus, ReceiptOutcome, ReceiptRecord, SettleRecord, SettleStatus };

/** Final outcomes a script call decided: one call per carrier, class and state ('' when the job had none). */
export type FinalsSink = (carrier: string, cls: string, state: string, count: number) => void;

/** Hands a call's final outcomes to `sink`. */
export function tellFinals(finals: readonly FinalCount[], sink: FinalsSink | undefined): void {
  if (sink) for (const f of finals) sink(f.carrier, f.cls, f.state, f.count);
}

export interface LaneStatus { carrier: string; class: JobClass; depth: number; oldestAgeMs: number }

/** The `job` field of a stream entry ('' when missing: the job is then rejected BAD_JSON, never lost). */
function jobField(fields: string[] | null): string {
  if (!fields) return '';
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'job') return fields[i + 1]!;
  return '';
}

/**
 * A script holds Redis for its whole run (ingest: about 20 µs a job on a 2-core test machine), and a
 * priority job's ingest, claim and settle wait behind it. At 100 jobs a call that wait is about 2 ms
 * instead of 10 for a 500-job batch; the extra calls cost under 0.5 µs a job
 * (docs/BENCHMARKS-HISTORY.md, "Third round", change 10).
 */
export const INGEST_CALL_JOBS = 100;

/** The job id of a lane entry: the id alone, or the id, a space and its bodies (common.lua lane_entry). */
export function laneEntryId(entry: Buffer | null): string {
  if (!entry) return '';
  const space = entry.indexOf(0x20);
  return entry.toString('latin1', 0, space < 0 ? entry.length : space);
}

/**
 * When a job was queued, from its hash's `ts`, `eid`: a job read from a stream has no `ts` (ingest.lua), its
 * entry id is `<ms>-<seq>`, the time of the app's XADD; a revived job (no such id) keeps `ts`. 0 when unknown.
 */
export function queuedAtMs([ts, eid]: (string | null)[]): number {
  if (ts) return Number(ts);
  const m = /^(\d+)-\d+$/.exec(eid ?? '');
  return m ? Number(m[1]) : 0;
}

/** Quiet hours as minutes of the local day (claim.lua's quiet start and end). */
function quietMinutes(cfg: Config): [number, number] {
  return [clockMinutes(cfg.care.quietHours.start), clockMinutes(cfg.care.quietHours.end)];
}

export class QueueStore {
  readonly keys: Keys;
  /** Tags the claims of this process carry in the in-flight table (claim.lua's claim tag). */
  private claimSeq = 0;
  /**
   * Tags of claims whose reply never came (the call failed). Their jobs may be marked S in Redis, but
   * nothing of them can have been written: the next recover of this daemon's table requeues them.
   */
  private lostClaims: string[] = [];
  /** Told of every final outcome this store's script calls decide (app.ts counts them). */
  onFinals: FinalsSink | undefined;
  /** Quiet hours as minutes of the local day, for claim.lua's re-check: read once per config, not per claim. */
  private quiet: [number, number];
  constructor(readonly redis: Redis, private cfg: Config, private now: () => number = Date.now) {
    this.keys = new Keys(cfg.redis.prefix);
    this.quiet = quietMinutes(cfg);
  }

  setConfig(cfg: Config): void {
    this.cfg = cfg;
    this.quiet = quietMinutes(cfg);
  }

  async ensureGroup(): Promise<void> {
    for (const stream of this.keys.jobStreams) {
      try {
        await this.redis.xgroup('CREATE', stream, GROUP, '0', 'MKSTREAM');
      } catch (e) {
        if (!String((e as Error).message).includes('BUSYGROUP')) throw e;
      }
    }
  }

  /**
   * Entries for this consumer from both job streams in one call, the priority stream's first: its own
   * unacknowledged ones (`0`, after a crash), or new ones (`>`). Each stream gives at most `count`.
   */
  async readJobs(reader: Redis, consumer: string, count: number, blockMs: number, pending: boolean,
    streams: string[] = this.keys.jobStreams): Promise<RawJob[]> {
    const args: (string | number)[] = ['GROUP', GROUP, consumer, 'COUNT', count];
    if (!pending) args.push('BLOCK', blockMs);
    args.push('STREAMS', ...streams, ...streams.map(() => (pending ? '0' : '>')));
    const res = (await (reader.xreadgroup as (...a: unknown[]) => Promise<unknown>)(...args)) as
      | [string, [string, string[] | null][]][]
      | null;
    if (!res) return [];
    const out: RawJob[] = [];
    for (const stream of streams) {
      for (const [key, entries] of res) {
        if (key !== stream) continue;
        for (const [entryId, fields] of entries) out.push({ entryId, payload: jobField(fields), stream });
      }
    }
    return out;
  }

  /** Entries another consumer read but never acknowledged for idleMs (a dead daemon's intake). */
  async adoptIdleJobs(consumer: string, idleMs: number, count: number, streams: string[] = this.keys.jobStreams): Promise<RawJob[]> {
    const out: RawJob[] = [];
    for (const stream of streams) {
      const res = (await this.redis.xautoclaim(stream, GROUP, consumer, idleMs, '0', 'COUNT', count)) as unknown as
        [string, [string, string[] | null][]];
      for (const [entryId, fields] of res?.[1] ?? []) if (fields) out.push({ entryId, payload: jobField(fields), stream });
    }
    return out;
  }

  /**
   * Stores jobs read from one stream and XACKs them there (default: the main jobs stream), in one script
   * call: callers keep it to INGEST_CALL_JOBS jobs (the intake prepares and ingests in chunks of that).
   * A retry changes nothing where the call ran: each job remembers its stream entry.
   */
  async ingest(jobs: (Prepared & { entryId: string })[], stream: string = this.keys.jobs): Promise<IngestStatus[]> {
    const res = await ingest(this.redis, this.keys, {
      stream, now: this.now(), queue: this.cfg.queue, dedupWindowMs: this.cfg.care.dedupWindowMs, jobs,
    });
    tellFinals(res.finals, this.onFinals);
    return res.statuses;
  }

  /**
   * Up to maxParts parts, OTP first; transactional and marketing together at most restParts (default all).
   * The jobs come back marked submitting (S): write their PDUs now, or settle them `requeue`.
   */
  async claim(daemon: string, token: string, carrier: string, maxParts: number, restParts = maxParts): Promise<Claimed[] | 'lease-lost'> {
    const tag = String(++this.claimSeq);
    let res: Awaited<ReturnType<typeof claim>>;
    try {
      res = await claim(this.redis, this.keys, {
        daemon, token, carrier, now: this.now(), maxParts, restParts, queue: this.cfg.queue, promoteMax: 1000,
        quietStartMin: this.quiet[0], quietEndMin: this.quiet[1], tag,
      });
    } catch (e) {
      this.lostClaims.push(tag);
      throw e;
    }
    if (res.kind === 'lease-lost') return 'lease-lost';
    tellFinals(res.finals, this.onFinals);
    return res.jobs;
  }

  async settle(daemon: string, records: SettleRecord[]): Promise<SettleStatus[]> {
    const res = await settle(this.redis, this.keys, { daemon, now: this.now(), queue: this.cfg.queue, care: this.cfg.care, records });
    tellFinals(res.finals, this.onFinals);
    return res.statuses;
  }

  async receipts(list: ReceiptRecord[]): Promise<ReceiptOutcome[]> {
    const res = await applyReceipts(this.redis, this.keys, { now: this.now(), queue: this.cfg.queue, care: this.cfg.care, receipts: list });
    tellFinals(res.finals, this.onFinals);
    return res.outcomes;
  }

  /**
   * Takes the lease (mode start) or checks it (peers) and hands back in-flight jobs (recover.lua, read by
   * lease-results.ts). `prevToken`: this process's previous token, which a retake may replace. Throws
   * OLDER_DAEMON at start beside a daemon of an older storage format.
   */
  async recover(daemon: string, token: string, mode: 'start' | 'peers', prevToken = ''): Promise<RecoverResult> {
    const lost = mode === 'start' ? this.lostClaims.slice() : [];
    const { outcome: out, finals } = await recover(this.redis, this.keys, {
      daemon, token, mode, prevToken, lostClaims: lost, now: this.now(), queue: this.cfg.queue,
    });
    if (out.kind === 'older-daemon') {
      throw new SmppdError('OLDER_DAEMON', `daemon ${out.daemon} of an older smppd holds a live lease on this Redis; stop it before `
        + 'starting this version (docs/OPERATIONS.md, Upgrading): it would drop the queued jobs this version writes');
    }
    if (out.kind !== 'recovered') return out;
    tellFinals(finals, this.onFinals);
    // Only what this call named is forgotten: a claim that failed meanwhile is named by the next one.
    if (lost.length > 0) this.lostClaims = this.lostClaims.filter((t) => !lost.includes(t));
    return out;
  }

  /** Renews the lease (write nothing when it is not held). `appliedGen`: the generation this daemon's TPS share reflects. */
  async renewLease(daemon: string, token: string, appliedGen: number, joinGen: number): Promise<RenewResult> {
    return renewLease(this.redis, this.keys, { daemon, token, leaseMs: this.cfg.queue.leaseMs, appliedGen, joinGen });
  }

  /** Releases the lease (1; 0 when it was not held); a daemon joining within `rateWindowMs` waits that window out. */
  async releaseLease(daemon: string, token: string, rateWindowMs: number): Promise<number> {
    return (await releaseLease(this.redis, this.keys, { daemon, token, leaseMs: this.cfg.queue.leaseMs, rateWindowMs })) ? 1 : 0;
  }

  get moMaxLen(): number { return this.cfg.queue.moMaxLen; }

  async overrideCount(): Promise<number> { return this.redis.hlen(this.keys.override()); }

  async overrides(numbers: string[]): Promise<Record<string, string>> {
    if (numbers.length === 0) return {};
    const vals = await this.redis.hmget(this.keys.override(), ...numbers);
    const out: Record<string, string> = {};
    numbers.forEach((n, i) => { if (vals[i]) out[n] = vals[i]!; });
    return out;
  }

  async lanes(carriers: string[]): Promise<LaneStatus[]> {
    const p = this.redis.pipeline();
    for (const c of carriers) for (const cls of JOB_CLASSES) { p.llen(this.keys.lane(c, cls)); p.lindexBuffer(this.keys.lane(c, cls), 0); }
    const res = (await p.exec()) ?? [];
    const heads: string[] = [];
    const out: LaneStatus[] = [];
    let k = 0;
    for (const c of carriers) for (const cls of JOB_CLASSES) {
      out.push({ carrier: c, class: cls, depth: Number(res[k]![1]), oldestAgeMs: 0 });
      heads.push(laneEntryId(res[k + 1]![1] as Buffer | null));
      k += 2;
    }
    const ts = await jobFields(this.redis, this.keys, heads, ['ts', 'eid']);
    const now = this.now();
    out.forEach((l, i) => {
      const t = queuedAtMs(ts[i] ?? []);
      if (l.depth > 0 && t > 0) l.oldestAgeMs = Math.max(0, now - t);
    });
    return out;
  }

  /** For `smppd status`: every daemon that registered, its lease and how much it has in flight. */
  async daemons(): Promise<{ id: string; leaseMs: number; inFlight: number }[]> {
    const ids = await this.redis.smembers(this.keys.daemons);
    const p = this.redis.pipeline();
    for (const d of ids) { p.pttl(this.keys.lease(d)); p.hlen(this.keys.inflight(d)); }
    const res = (await p.exec()) ?? [];
    return ids.map((id, i) => ({ id, leaseMs: Number(res[2 * i]![1]), inFlight: Number(res[2 * i + 1]![1]) }));
  }

  async deadLetters(): Promise<number> { return this.redis.zcard(this.keys.dead); }

  async scheduleSizes(carriers: string[]): Promise<Record<string, number>> {
    const p = this.redis.pipeline();
    for (const c of carriers) p.zcard(this.keys.sched(c));
    const res = (await p.exec()) ?? [];
    return Object.fromEntries(carriers.map((c, i) => [c, Number(res[i]![1])]));
  }
}
