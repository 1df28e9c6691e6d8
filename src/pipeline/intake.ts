/**
 * Reads the jobs stream with a consumer group, prepares batches in the worker pool and ingests them
 * with one script call per batch (which also XACKs them, so a crash replays at most the batches in
 * hand, and the replay changes nothing). At least two batches are in hand at once (more with pool threads).
 */
import type { Logger } from 'pino';
import type { Redis } from '../store/redis.js';
import type { Config } from '../config/types.js';
import type { Metrics } from '../obs/metrics.js';
import type { Prepared, RawJob } from '../types.js';
import { INGEST_CALL_JOBS, type QueueStore } from '../store/queue-store.js';

/**
 * While OTPs come, bulk batches are this much smaller, so an OTP's read, store, claim and settle wait behind
 * shorter script calls and event-loop turns. 100,000 marketing jobs XADDed beside an OTP every 10 ms: OTP
 * p99 58–59 ms with whole batches of 100, 37–51 with halves, 26–28 with quarters; the marketing took 7.0–7.1 s
 * instead of 6.2 (docs/BENCHMARKS-HISTORY.md, "Eighth round", change 39).
 * Without OTPs, batches stay whole: a fixed 50 cost 3–6 % of throughput.
 */
const OTP_BATCH_DIVISOR = 4;

/**
 * While the override hash is empty, intake looks again at most this often (one HLEN), not per batch:
 * the first override written applies to jobs read up to this long after it. Once the hash holds any
 * entry, every batch looks its numbers up, so later changes apply to the next batch read.
 */
export const OVERRIDE_EMPTY_RECHECK_MS = 1000;

/** Lets the event loop run what is ready (an OTP's read, claim or answer) between chunks of a bulk batch. */
const yieldToLoop = (): Promise<void> => new Promise((res) => setImmediate(res));

export interface PreparePort {
  prepare(raws: RawJob[], overrides?: Record<string, string>): Promise<Prepared[]>;
}

export type IntakeStatus = 'idle' | 'running' | 'stopping' | 'stopped';

export interface IntakeDeps {
  store: QueueStore;
  reader: Redis; // a connection of its own: XREADGROUP BLOCK holds it
  pool: PreparePort;
  consumer: string;
  config: () => Config;
  metrics: Metrics;
  logger: Logger;
  /** Jobs were queued for these carriers; `otp`: the carriers among them that got an OTP job. */
  onQueued: (carriers: Set<string>, otp: Set<string>) => void;
  adoptIdleMs?: number | (() => number);
  /** The streams this intake serves (default both). The app runs one intake per stream, each with its own
   * blocking connection, so a priority entry is stored while a bulk batch is still being prepared. */
  streams?: string[];
  name?: string;
  /**
   * True while OTPs come (the dispatcher's OTP_ACTIVE_MS): a bulk intake then reads and ingests a quarter
   * of intake.batchSize at a time (OTP_BATCH_DIVISOR).
   */
  otpActive?: () => boolean;
}

export class Intake {
  status: IntakeStatus = 'idle';
  private loopDone: Promise<void> | undefined;
  private inHand = new Set<Promise<void>>();
  private lastAdopt = 0;
  private overridesEmptyUntil = 0;

  constructor(private d: IntakeDeps) {}

  private setStatus(to: IntakeStatus): void {
    this.d.logger.info(`intake${this.d.name ? ` ${this.d.name}` : ''} ${this.status} -> ${to}`);
    this.status = to;
  }

  start(): void {
    if (this.status !== 'idle') return;
    this.setStatus('running');
    this.loopDone = this.loop();
  }

  private async loop(): Promise<void> {
    let pendingPhase = true; // first our own unacknowledged entries (a crash left them), then new ones
    while (this.status === 'running') {
      const cfg = this.d.config();
      // Two batches in hand at least: the next is read and prepared while Redis runs the last one's ingest
      // (with one, the I/O thread sat idle through every ingest:
      // docs/BENCHMARKS-HISTORY.md, "Second round", change 8).
      const limit = Math.max(2, cfg.pool.threads);
      while (this.inHand.size >= limit) await Promise.race(this.inHand);
      let raws: RawJob[];
      try {
        const size = this.d.otpActive?.() ? Math.ceil(cfg.intake.batchSize / OTP_BATCH_DIVISOR) : cfg.intake.batchSize;
        raws = await this.d.store.readJobs(this.d.reader, this.d.consumer, size, cfg.intake.blockMs, pendingPhase, this.d.streams);
        if (raws.length === 0 && !pendingPhase) raws = await this.adopt(cfg);
      } catch (e) {
        if (this.status !== 'running') break;
        this.d.logger.error({ err: e }, 'reading the jobs stream failed');
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (pendingPhase && raws.length === 0) { pendingPhase = false; continue; }
      if (raws.length === 0) continue;
      const p = this.process(raws).finally(() => this.inHand.delete(p));
      this.inHand.add(p);
      // Pending entries are re-read from '0' until acknowledged: wait for this batch before the next read.
      if (pendingPhase) await p;
    }
    await Promise.all(this.inHand);
  }

  /** Entries a dead consumer (another daemon) read and never acknowledged. */
  private async adopt(cfg: Config): Promise<RawJob[]> {
    const a = this.d.adoptIdleMs;
    const every = typeof a === 'function' ? a() : a ?? 60_000;
    const now = Date.now();
    if (now - this.lastAdopt < every / 2) return [];
    this.lastAdopt = now;
    const raws = await this.d.store.adoptIdleJobs(this.d.consumer, every, cfg.intake.batchSize, this.d.streams);
    if (raws.length > 0) this.d.logger.warn({ entries: raws.length }, 'adopted unacknowledged jobs of another consumer');
    return raws;
  }

  private async process(raws: RawJob[]): Promise<void> {
    for (;;) {
      try {
        await this.processOnce(raws);
        return;
      } catch (e) {
        // Nothing was acknowledged: ingest is all-or-nothing per call and idempotent, so retrying is safe.
        this.d.logger.error({ err: e, entries: raws.length }, 'ingest failed; retrying');
        await new Promise((r) => setTimeout(r, 1000));
        if (this.status !== 'running') return; // left pending: read again from '0' at the next start
      }
    }
  }

  /** One ingest call per stream (it XACKs there), the priority stream's entries first. */
  private async processOnce(raws: RawJob[]): Promise<void> {
    const streams = new Map<string | undefined, RawJob[]>();
    for (const r of raws) {
      const group = streams.get(r.stream);
      if (group) group.push(r); else streams.set(r.stream, [r]);
    }
    for (const [stream, group] of streams) await this.processStream(group, stream);
  }

  /**
   * Prepares and ingests a batch in chunks of INGEST_CALL_JOBS, each chunk's script call sent as soon as it
   * is prepared, with a turn of the event loop between chunks. In one piece, while marketing streamed
   * in, a V8 profile showed the thread busy without a break for 45–95 ms at a time, mostly on 500-job
   * batches, and every OTP step queued behind them (docs/BENCHMARKS-HISTORY.md, "Fourth round", change 15).
   * The calls are independent: each XACKs its own entries.
   */
  private async processStream(raws: RawJob[], stream: string | undefined): Promise<void> {
    const calls: Promise<string[]>[] = [];
    const jobs: (Prepared & { entryId: string })[] = [];
    for (let at = 0; at < raws.length; at += INGEST_CALL_JOBS) {
      if (at > 0) await yieldToLoop();
      const chunk = raws.slice(at, at + INGEST_CALL_JOBS);
      const prepared = await this.applyOverrides(chunk, await this.d.pool.prepare(chunk));
      // Each prepared job is a fresh object of this call: its entry id is set on it, not on a spread copy.
      const part = prepared as (Prepared & { entryId: string })[];
      for (let i = 0; i < part.length; i++) {
        part[i]!.entryId = chunk[i]!.entryId;
        jobs.push(part[i]!);
      }
      const t0 = performance.now();
      const call = this.d.store.ingest(part, stream);
      // Awaited below with the others; until then a rejection must not count as unhandled.
      call.then(() => this.d.metrics.redisLatency.observe({ op: 'ingest' }, (performance.now() - t0) / 1000), () => undefined);
      calls.push(call);
    }
    const results = (await Promise.all(calls)).flat();
    this.d.metrics.ingested.inc(raws.length);
    const carriers = new Set<string>();
    const otp = new Set<string>();
    results.forEach((r, i) => {
      const p = jobs[i]!;
      if (r.startsWith('rejected:')) {
        const reason = r.slice('rejected:'.length);
        this.d.metrics.rejects.inc({ reason });
        this.d.logger.info({ job: p.id, to: p.to, code: reason }, 'job rejected');
      } else if (p.ok) {
        carriers.add(p.carrier);
        if (p.class === 'otp') otp.add(p.carrier);
      }
    });
    if (carriers.size > 0) this.d.onQueued(carriers, otp);
  }

  /** Ported numbers: a per-number route in Redis wins over the prefix table. The hash is usually empty. */
  private async applyOverrides(raws: RawJob[], prepared: Prepared[]): Promise<Prepared[]> {
    if (Date.now() < this.overridesEmptyUntil) return prepared;
    const numbers = [...new Set(prepared.flatMap((p) => (p.ok ? [p.to] : [])))];
    if ((await this.d.store.overrideCount()) === 0) { this.overridesEmptyUntil = Date.now() + OVERRIDE_EMPTY_RECHECK_MS; return prepared; }
    const over = await this.d.store.overrides(numbers);
    const redo = prepared.map((p, i) => (p.ok && over[p.to] && over[p.to] !== p.carrier ? i : -1)).filter((i) => i >= 0);
    if (redo.length === 0) return prepared;
    const again = await this.d.pool.prepare(redo.map((i) => raws[i]!), over);
    const out = prepared.slice();
    redo.forEach((idx, k) => { out[idx] = again[k]!; });
    return out;
  }

  async stop(): Promise<void> {
    if (this.status === 'stopped' || this.status === 'idle') { this.status = 'stopped'; return; }
    this.setStatus('stopping');
    await this.loopDone;
    this.setStatus('stopped');
  }
}
