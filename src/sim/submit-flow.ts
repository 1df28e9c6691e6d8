/**
 * The steps every simulated carrier takes with a submit, whatever its protocol: keep the record, apply
 * the connection faults (drop, never answer, garbage) in that order, decide on a receipt, and answer
 * (after slowMs) with the receipt scheduled around the answer. Only the codes and frames differ
 * (submit.ts writes SMPP, cmpp-submit.ts CMPP).
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ReceiptJob, ReceiptSender } from './receipts.js';
import type { FaultShares } from './shares.js';
import type { TimerSet } from './timers.js';
import type { SimBehaviours, SimCarrierStats, SimSubmit } from './types.js';

/** What a carrier gives either submit handler. */
export interface SubmitFlowHost {
  readonly name: string;
  readonly behaviours: SimBehaviours;
  readonly stats: SimCarrierStats;
  readonly shares: FaultShares;
  readonly submits: SimSubmit[];
  /** Newest submits kept in `submits`; older ones are dropped in batches so memory stays flat. */
  readonly keepSubmits: number;
  readonly timers: TimerSet;
  readonly receipts: ReceiptSender;
  readonly log: Logger;
  /** Answers that came due while holdAnswers was set, written in order when it is cleared. */
  readonly heldAnswers: Array<() => void>;
  /** Whether the next receipt reports UNDELIV (receiptStat). */
  nextUndeliverable(): boolean;
}

/** The connection as the faults see it. */
export interface SubmitLink {
  readonly id: number;
  readonly status: string;
  submitsSeen: number;
  garbageSent: boolean;
  write(buf: Buffer): void;
  destroy(reason: string): void;
}

/** Adds the submit to the simulator's list (trimmed to keepSubmits) and counts it. */
export function keepSubmit(h: SubmitFlowHost, rec: SimSubmit): void {
  h.submits.push(rec);
  if (h.submits.length >= 2 * h.keepSubmits) h.submits.splice(0, h.submits.length - h.keepSubmits);
  h.stats.submits++;
}

/** Applies the first connection fault in force (dropAfter, neverAnswer, garbageAfter); false when none is. */
export function connectionFault(b: SimBehaviours, conn: SubmitLink): boolean {
  if (b.dropAfter && conn.submitsSeen % b.dropAfter === 0) {
    conn.destroy(`dropAfter ${b.dropAfter}`);
    return true;
  }
  if (b.neverAnswer) return true;
  if (b.garbageAfter && !conn.garbageSent && conn.submitsSeen >= b.garbageAfter) {
    conn.garbageSent = true;
    conn.write(randomBytes(64));
    return true;
  }
  return false;
}

/** Whether an accepted submit gets a receipt: behaviour `receipt`, or what the submit asked for. */
export function wantsReceipt(b: SimBehaviours, requested: boolean): boolean {
  const mode = b.receipt ?? 'on-request';
  return mode === 'always' || (mode === 'on-request' && requested);
}

/**
 * Answers with `write` (now, or after slowMs) unless the connection has closed by then, and sends the
 * receipt `job`, if any, before the answer (receiptBeforeResp) or receiptDelayMs after it.
 */
export function answerSubmit(
  h: SubmitFlowHost, b: SimBehaviours, conn: SubmitLink, rec: SimSubmit, status: number,
  job: ReceiptJob | undefined, write: () => void,
): void {
  const answer = (): void => {
    if (conn.status === 'closed') return;
    // Read live, not from `b`: the hold is set and cleared while answers are already scheduled.
    if (h.behaviours.holdAnswers) {
      h.heldAnswers.push(answer);
      return;
    }
    write();
    rec.answered = true;
    rec.status = status;
    if (job && !b.receiptBeforeResp) {
      const j = job;
      h.timers.later(b.receiptDelayMs ?? 50, () => h.receipts.send(j));
    }
  };
  if (job && b.receiptBeforeResp) h.receipts.send(job);
  if (b.slowMs && b.slowMs > 0) h.timers.later(b.slowMs, answer);
  else answer();
}
