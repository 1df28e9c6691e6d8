/**
 * What a simulated carrier does with one submit_sm: record it, apply the faults in force
 * (drop, never answer, garbage, hostile answers, fault shares, slowness), answer, and schedule the receipt.
 */
import { randomBytes } from 'node:crypto';
import { readSm, smText } from '../smpp/mo.js';
import type { SimConnection } from './connection.js';
import type { IdSource } from './ids.js';
import { hostileAnswer } from './hostile.js';
import type { ReceiptJob, ReceiptSender } from './receipts.js';
import { Status, type FaultShares } from './shares.js';
import type { TimerSet } from './timers.js';
import type { SimBehaviours, SimCarrierStats, SimSubmit } from './types.js';
import { encode, header, maskNumber } from './wire.js';
import type { Logger } from 'pino';

export interface SubmitHost {
  readonly name: string;
  readonly behaviours: SimBehaviours;
  readonly stats: SimCarrierStats;
  readonly shares: FaultShares;
  readonly ids: IdSource;
  readonly submits: SimSubmit[];
  /** Newest submits kept in `submits`; older ones are dropped in batches so memory stays flat. */
  readonly keepSubmits: number;
  readonly timers: TimerSet;
  readonly receipts: ReceiptSender;
  readonly log: Logger;
  /** Whether the next receipt reports UNDELIV (receiptStat). */
  nextUndeliverable(): boolean;
}

export function handleSubmit(h: SubmitHost, conn: SimConnection, pdu: Buffer): void {
  const { seq } = header(pdu);
  const f = readSm(pdu);
  const { text, concat } = smText(f);
  const b = h.behaviours;
  const rec: SimSubmit = {
    carrier: h.name,
    protocol: 'smpp',
    bind: conn.id,
    seq,
    msgId: '',
    to: f.to,
    from: f.from,
    esmClass: f.esmClass,
    dataCoding: f.dataCoding,
    text,
    answered: false,
    status: Status.OK,
    at: Date.now(),
  };
  if (concat) rec.udh = concat;
  h.submits.push(rec);
  if (h.submits.length >= 2 * h.keepSubmits) h.submits.splice(0, h.submits.length - h.keepSubmits);
  h.stats.submits++;
  h.log.debug({ conn: conn.id, seq, to: maskNumber(f.to), parts: concat?.total ?? 1 }, 'submit_sm received');

  if (b.dropAfter && conn.submitsSeen % b.dropAfter === 0) return conn.destroy(`dropAfter ${b.dropAfter}`);
  if (b.neverAnswer) return;
  if (b.garbageAfter && !conn.garbageSent && conn.submitsSeen >= b.garbageAfter) {
    conn.garbageSent = true;
    return conn.write(randomBytes(64));
  }
  if (hostileAnswer(b, conn, seq, h.timers)) return;

  // A number the SMSC answers one way every time (statusFor) still advances the shares' counters.
  const shared = h.shares.next(b);
  const status = b.statusFor?.[f.to] ?? shared;
  let job: ReceiptJob | undefined;
  if (status === Status.OK) {
    const ids = h.ids.take(b);
    rec.msgId = ids.resp;
    const mode = b.receipt ?? 'on-request';
    if (mode === 'always' || (mode === 'on-request' && (f.registeredDelivery & 1) === 1)) {
      job = { receiptId: ids.receipt, handset: f.to, sender: f.from, text, submittedAt: rec.at, undeliverable: h.nextUndeliverable() };
    }
  }

  const answer = (): void => {
    if (conn.status === 'closed') return;
    const fields = status === Status.OK ? { message_id: rec.msgId } : {};
    conn.write(encode('submit_sm_resp', { ...fields, sequence_number: seq, command_status: status }));
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
