/**
 * Typed access to the queue: every multi-key change is one Lua script (lua/), one round trip per batch.
 */
import { packChannelBodies, preparedParts, storedBodies } from './bodies.js';
import type { Redis } from 'ioredis';
import type { Config } from '../config/types.js';
import type { JobClass, MessageBodies, Prepared, RawJob } from '../types.js';
import { JOB_CLASSES } from '../types.js';

import { SmppdError, type ErrorCode } from '../errors.js';
import { GROUP, Keys } from './keys.js';
import { readRecover, readRenew, type RecoverResult, type RenewResult } from './lease-results.js';
import { runScript } from './scripts.js';
import { clockMinutes } from '../care/quiet-hours.js';
import { submittedEvent, type ClaimedJob } from './settle-event.js';

/**
 * A job claimed and marked submitting; `otp`: of class otp (its answer is settled ahead of bulk ones);
 * `job`: what its `submitted` event needs, handed back in its settle record (settle-event.ts).
 */
export interface Claimed { id: string; bodies: MessageBodies; otp: boolean; job: ClaimedJob }

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

/** What ingest.lua did with each job, in order (its header): stored, scheduled, refused with a code, or a replay of one stored before. */
export type IngestStatus = 'queued' | 'scheduled' | 'replay' | `rejected:${ErrorCode}`;

/** What settle.lua did with each record, in order; `skipped`: the job was not this daemon's in flight. */
export type SettleStatus = 'submitted' | 'queued' | 'scheduled' | 'failed' | 'unknown' | 'skipped';

export interface ReceiptRecord { carrier: string; messageId: string; stat: string; err: string }

/** What receipt.lua did with one receipt; `latencyMs` (submit to final) only for 'final'. */
export type ReceiptOutcome = { status: 'final'; latencyMs: number } | { status: 'interim' | 'held' | 'dup' };

/** Final outcomes a script call decided: one call per carrier, class and state ('' when the job had none). */
export type FinalsSink = (carrier: string, cls: string, state: string, count: number) => void;

/**
 * Takes the scripts' last reply element (common.lua finals_reply: 'carrier class state', count, ...) off
 * `res` and hands it to `sink`.
 */
export function takeFinals(res: unknown[], sink: FinalsSink | undefined): void {
  const tail = res.pop();
  if (!sink || !Array.isArray(tail)) return;
  for (let i = 0; i + 1 < tail.length; i += 2) {
    const [carrier = '', cls = '', state = ''] = String(tail[i]).split(' ');
    sink(carrier, cls, state, Number(tail[i + 1]));
  }
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

/**
 * The events argument of every script that writes events: the stream's cap, and ` finals` when only final
 * states write one (queue.events; common.lua events_cap).
 */
export function eventsArg(q: Config['queue']): string {
  return q.events === 'finals' ? `${q.eventsMaxLen} finals` : String(q.eventsMaxLen);
}

/** Number hygiene settings, as the ARGV tail common.lua's load_invalid reads. */
export function invalidTail(care: Config['care']): (string | number)[] {
  return [care.invalidForMs, ...care.invalidErrorCodes, care.invalidErrorCodes.length];
}

/**
 * The job's `qo` (claim.lua zone_offset): the zone's offset at the send time, then its changes within a
 * year as `minute,offset` pairs; '' when quiet hours do not apply.
 */
export function zoneOffsets(j: { utcOffsetMin?: number; offsetChanges?: string }): string {
  if (j.utcOffsetMin === undefined) return '';
  return j.offsetChanges ? `${j.utcOffsetMin},${j.offsetChanges}` : String(j.utcOffsetMin);
}

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

/** Quiet hours as minutes of the local day (claim.lua ARGV). */
function quietMinutes(cfg: Config): [number, number] {
  return [clockMinutes(cfg.care.quietHours.start), clockMinutes(cfg.care.quietHours.end)];
}

export class QueueStore {
  readonly keys: Keys;
  /** Tags the claims of this process carry in the in-flight table (claim.lua ARGV 14). */
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
    const q = this.cfg.queue;
    const args: (string | number | Buffer)[] = [
      this.keys.prefix, GROUP, this.now(), eventsArg(q), q.retentionMs, this.cfg.care.dedupWindowMs, jobs.length,
    ];
    for (const j of jobs) {
      const meta = j.meta ?? '';
      if (j.ok) {
        args.push('A', j.entryId, j.id, j.to, j.carrier, j.class, j.fingerprint, j.sendAt, j.expiresAt,
          j.resend ? '1' : '0', meta, zoneOffsets(j), j.deferred ?? '',
          j.cap?.key ?? '', j.cap?.limit ?? 0, j.cap?.expireAtMs ?? 0, preparedParts(j), packChannelBodies(j));
      } else {
        args.push('R', j.entryId, j.id, j.code, j.error, j.to ?? '', meta);
      }
    }
    args.push(stream);
    const res = (await runScript(this.redis, 'ingest', args)) as IngestStatus[];
    takeFinals(res, this.onFinals);
    return res;
  }

  /**
   * Up to maxParts parts, OTP first; transactional and marketing together at most restParts (default all).
   * The jobs come back marked submitting (S): write their PDUs now, or settle them `requeue`.
   */
  async claim(daemon: string, token: string, carrier: string, maxParts: number, restParts = maxParts): Promise<Claimed[] | 'lease-lost'> {
    const q = this.cfg.queue;
    const tag = String(++this.claimSeq);
    let res: (Buffer | number)[] | number;
    try {
      res = (await runScript(this.redis, 'claim', [
        this.keys.prefix, daemon, token, this.now(), carrier, maxParts, q.marketingShare, eventsArg(q), q.retentionMs, 1000,
        this.quiet[0], this.quiet[1], restParts, tag,
      ], true)) as (Buffer | number)[] | number;
    } catch (e) {
      this.lostClaims.push(tag);
      throw e;
    }
    if (res === -1) return 'lease-lost';
    const arr = res as (Buffer | number)[];
    takeFinals(arr, this.onFinals);
    const otp = Number(arr[0]);
    const out: Claimed[] = [];
    for (let i = 1; i + 3 < arr.length; i += 4) {
      const n = Number(arr[i + 1]);
      out.push({
        id: arr[i]!.toString(), bodies: storedBodies(arr[i + 2] as Buffer, n), otp: out.length < otp,
        job: { carrier, parts: n, meta: arr[i + 3]!.toString() },
      });
    }
    return out;
  }

  async settle(daemon: string, records: SettleRecord[]): Promise<SettleStatus[]> {
    const q = this.cfg.queue;
    const now = this.now();
    const args: (string | number)[] = [this.keys.prefix, daemon, now, eventsArg(q), q.retentionMs,
      q.receiptTtlDays, q.maxAttempts, q.retryBaseMs, q.retryMaxMs, q.deadMax, records.length];
    for (const r of records) {
      if (r.act === 'ok') {
        const t = submittedEvent(r.id, now, r.job, r.msgIds, r.code, r.error, r.channel, q.events === 'all');
        args.push('ok', r.id, r.msgIds.length);
        for (const m of r.msgIds) args.push(m);
        args.push(r.job.carrier, t.idsJson, t.event);
      } else if (r.act === 'retry') args.push(r.act, r.id, r.code, r.error);
      else if (r.act === 'fail') {
        const bad = r.badNumber === true || (r.status !== undefined && this.cfg.care.invalidSubmitStatuses.includes(r.status));
        args.push(r.act, r.id, r.code, r.error, bad ? '1' : '');
      }
      else args.push(r.act, r.id);
    }
    args.push(...invalidTail(this.cfg.care));
    const res = (await runScript(this.redis, 'settle', args)) as SettleStatus[];
    takeFinals(res, this.onFinals);
    return res;
  }

  async receipts(list: ReceiptRecord[]): Promise<ReceiptOutcome[]> {
    const q = this.cfg.queue;
    const args: (string | number)[] = [this.keys.prefix, this.now(), eventsArg(q), q.retentionMs, q.receiptTtlDays, list.length];
    for (const r of list) args.push(r.carrier, r.messageId, r.stat, r.err);
    args.push(...invalidTail(this.cfg.care));
    const res = (await runScript(this.redis, 'receipt', args)) as string[];
    takeFinals(res, this.onFinals);
    return res.map((s) => (s.startsWith('final:')
      ? { status: 'final', latencyMs: Number(s.slice(6)) }
      : { status: s as 'interim' | 'held' | 'dup' }));
  }

  /**
   * Takes the lease (mode start) or checks it (peers) and hands back in-flight jobs (recover.lua, read by
   * lease-results.ts). `prevToken`: this process's previous token, which a retake may replace. Throws
   * OLDER_DAEMON at start beside a daemon of an older storage format.
   */
  async recover(daemon: string, token: string, mode: 'start' | 'peers', prevToken = ''): Promise<RecoverResult> {
    const q = this.cfg.queue;
    const lost = mode === 'start' ? this.lostClaims.slice() : [];
    const res = (await runScript(this.redis, 'recover', [
      this.keys.prefix, daemon, token, q.leaseMs, this.now(), eventsArg(q), q.retentionMs, mode, prevToken, ...lost,
    ])) as (number | string)[];
    const out = readRecover(res, mode);
    if (out.kind === 'older-daemon') {
      throw new SmppdError('OLDER_DAEMON', `daemon ${out.daemon} of an older smppd holds a live lease on this Redis; stop it before `
        + 'starting this version (docs/OPERATIONS.md, Upgrading): it would drop the queued jobs this version writes');
    }
    if (out.kind !== 'recovered') return out;
    takeFinals(res, this.onFinals);
    // Only what this call named is forgotten: a claim that failed meanwhile is named by the next one.
    if (lost.length > 0) this.lostClaims = this.lostClaims.filter((t) => !lost.includes(t));
    return out;
  }

  /** Renews the lease (write nothing when it is not held). `appliedGen`: the generation this daemon's TPS share reflects. */
  async renewLease(daemon: string, token: string, appliedGen: number, joinGen: number): Promise<RenewResult> {
    return readRenew(await runScript(this.redis, 'lease', [this.keys.prefix, daemon, token, this.cfg.queue.leaseMs, 'renew', appliedGen, joinGen]));
  }

  /** Releases the lease (1; 0 when it was not held); a daemon joining within `rateWindowMs` waits that window out. */
  async releaseLease(daemon: string, token: string, rateWindowMs: number): Promise<number> {
    return Number(await runScript(this.redis, 'lease', [this.keys.prefix, daemon, token, this.cfg.queue.leaseMs, 'release', rateWindowMs]));
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
    const p2 = this.redis.pipeline();
    for (const h of heads) p2.hmget(this.keys.job(h), 'ts', 'eid');
    const ts = (await p2.exec()) ?? [];
    const now = this.now();
    out.forEach((l, i) => {
      const t = queuedAtMs((ts[i]?.[1] ?? []) as (string | null)[]);
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
