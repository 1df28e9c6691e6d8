/**
 * The in-flight window of a session (any protocol): sequence number -> pending request, with a response deadline per request.
 * Every request on a session has the same timeout, so Map insertion order is deadline order and one
 * timer armed on the oldest entry replaces a setTimeout per request (the hot path sends thousands a
 * second per bind).
 */
import type { RequestOutcome } from './outcome.js';

/**
 * Sequence numbers run 1..0x7FFFFFFF: SMPP 3.4 §3.2's range. CMPP takes any 32-bit Sequence_Id, and the
 * same rotation keeps both protocols' numbers clear of 0 and of the sign bit some peers mishandle.
 */
export const MAX_SEQUENCE = 0x7fffffff;

/** Told once of a request's outcome; `index`: the one given with it (the request's place in its batch). */
export type OutcomeDone = (index: number, outcome: RequestOutcome) => void;

export interface WindowEntry {
  seq: number;
  commandId: number;
  sentAtMs: number; // performance.now() when handed to the socket
  deadlineMs: number;
  index: number;
  done: OutcomeDone;
}

/** Timed-out sequence numbers remembered, so a late answer to one is told from an unknown one. */
const LATE_SEQS_KEPT = 4096;

export class InFlightWindow {
  private readonly entries = new Map<number, WindowEntry>();
  private readonly late = new Set<number>();
  private lastSeq = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerAtMs = Infinity;

  constructor(
    private readonly responseTimeoutMs: number,
    private readonly onTimeout: (entry: WindowEntry) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Next sequence number, 1..0x7FFFFFFF then back to 1, skipping any still outstanding. */
  nextSeq(): number {
    do {
      this.lastSeq = this.lastSeq >= MAX_SEQUENCE ? 1 : this.lastSeq + 1;
    } while (this.entries.has(this.lastSeq));
    return this.lastSeq;
  }

  /**
   * Registers a request just handed to the socket: whoever takes the entry calls `done(index, outcome)`
   * (a callback, not a promise: on the session's hot path a promise and its closures per part were a
   * share of the garbage).
   */
  track(seq: number, commandId: number, index: number, done: OutcomeDone): void {
    const sentAtMs = this.now();
    const deadlineMs = sentAtMs + this.responseTimeoutMs;
    this.entries.set(seq, { seq, commandId, sentAtMs, deadlineMs, index, done });
    if (this.timer === null) this.arm(deadlineMs);
  }

  /** Removes and returns the entry for a response's sequence number. */
  take(seq: number): WindowEntry | undefined {
    const entry = this.entries.get(seq);
    if (entry !== undefined) this.entries.delete(seq);
    return entry;
  }

  /** True, once, when `seq` timed out here: an answer to it is late, not a protocol error. */
  takeLate(seq: number): boolean {
    return this.late.delete(seq);
  }

  /** Removes every entry (session closing) and hands them back. */
  drain(): WindowEntry[] {
    this.disarm();
    const all = [...this.entries.values()];
    this.entries.clear();
    return all;
  }

  private arm(atMs: number): void {
    this.disarm();
    this.timerAtMs = atMs;
    // +1: timers may fire a fraction of a millisecond early relative to performance.now().
    this.timer = setTimeout(() => this.sweep(), Math.max(0, atMs - this.now()) + 1);
  }

  private disarm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerAtMs = Infinity;
  }

  private sweep(): void {
    this.timer = null;
    this.timerAtMs = Infinity;
    const now = this.now();
    for (const entry of this.entries.values()) {
      if (entry.deadlineMs > now) {
        this.arm(entry.deadlineMs);
        return;
      }
      this.entries.delete(entry.seq);
      this.late.add(entry.seq);
      if (this.late.size > LATE_SEQS_KEPT) this.late.delete(this.late.values().next().value!);
      this.onTimeout(entry);
    }
  }

  /** For diagnostics: when the sweep timer fires next (Infinity when idle). */
  get nextDeadlineMs(): number {
    return this.timerAtMs;
  }
}
