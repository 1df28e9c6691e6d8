/**
 * Delivery receipts: the deliver_sm an SMSC sends when a message reaches its final state, written
 * in the SMPP 3.4 Appendix B text form plus the receipted_message_id / message_state TLVs, sent on
 * the carrier's bound receivers in turn. A receipt answered with a non-zero status, or not answered
 * in time, is sent again later, up to 3 times; after that, and at once when its connection closed under
 * it, it is kept and sent again on the next bind, as SMSCs do (behaviour `receiptRedelivery`).
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { RequestOutcome } from './pending-requests.js';
import type { TimerSet } from './timers.js';
import type { SimBehaviours } from './types.js';

export const RECEIPT_RESENDS = 3;
const MESSAGE_STATE = { DELIVRD: 2, UNDELIV: 5 } as const;

export interface ReceiptJob {
  receiptId: string;
  handset: string; // the submit's destination: the receipt comes from it
  sender: string; // the submit's source: the receipt goes to it
  text: string;
  submittedAt: number;
  undeliverable: boolean;
}

/** YYMMDDhhmm in UTC, the Appendix B date form. */
export function receiptDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

export function receiptText(job: ReceiptJob, b: SimBehaviours, now: number): string {
  if (b.receiptGarbage) return randomBytes(24).toString('base64').replace(/id/gi, 'x');
  const stat = job.undeliverable ? 'UNDELIV' : 'DELIVRD';
  const shown = b.receiptLowercase ? stat.toLowerCase() : stat;
  const text = job.text.slice(0, 20).replace(/[^\x20-\x7e]/g, '?');
  return (
    `id:${job.receiptId} sub:001 dlvrd:${job.undeliverable ? '000' : '001'} submit date:${receiptDate(job.submittedAt)} ` +
    `done date:${receiptDate(now)} stat:${shown} err:${job.undeliverable ? '001' : '000'} text:${text}`
  );
}

export function receiptFields(job: ReceiptJob, b: SimBehaviours, now: number): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    source_addr_ton: 1,
    source_addr_npi: 1,
    source_addr: job.handset,
    dest_addr_ton: 0,
    dest_addr_npi: 1,
    destination_addr: job.sender,
    esm_class: 0x04, // SMSC delivery receipt (SMPP 3.4 5.2.12)
    data_coding: 0x00,
    short_message: Buffer.from(receiptText(job, b, now), 'latin1'),
  };
  if (!b.receiptNoTlv) {
    fields.receipted_message_id = job.receiptId;
    fields.message_state = job.undeliverable ? MESSAGE_STATE.UNDELIV : MESSAGE_STATE.DELIVRD;
  }
  return fields;
}

/** A bound receiver as the sender sees it: each protocol writes the receipt in its own form. */
export interface ReceiptLink {
  sendReceipt(job: ReceiptJob, b: SimBehaviours, timeoutMs: number, done: (o: RequestOutcome) => void): void;
}

export class ReceiptSender {
  private waiting: { job: ReceiptJob; attempt: number }[] = [];
  private turn = 0;

  constructor(
    private readonly receivers: () => ReceiptLink[],
    private readonly behaviours: () => SimBehaviours,
    private readonly timers: TimerSet,
    private readonly sent: () => void,
    private readonly log: Logger,
  ) {}

  /** Sends now on the next bound receiver, or keeps it until one binds. */
  send(job: ReceiptJob, attempt = 1): void {
    const rx = this.receivers();
    if (rx.length === 0) {
      this.waiting.push({ job, attempt });
      return;
    }
    const conn = rx[this.turn++ % rx.length];
    const b = this.behaviours();
    this.sent();
    conn.sendReceipt(job, b, b.receiptAnswerTimeoutMs ?? 5000, (outcome) => {
      if (outcome === 0) return;
      const giveUp = this.behaviours().receiptRedelivery === 'give-up';
      if (outcome === 'closed' && !giveUp) {
        // Not counted as a try: sent on a receiver still bound, or kept until the next bind (send()).
        this.timers.later(this.behaviours().receiptRetryMs ?? 1000, () => this.send(job, attempt));
        return;
      }
      if (attempt > RECEIPT_RESENDS) {
        if (giveUp) { this.log.info({ id: job.receiptId, outcome }, 'receipt given up'); return; }
        this.log.debug({ id: job.receiptId, outcome, attempt }, 'receipt kept for the next bind');
        this.waiting.push({ job, attempt: 1 });
        return;
      }
      this.log.debug({ id: job.receiptId, outcome, attempt }, 'receipt to be resent');
      this.timers.later(this.behaviours().receiptRetryMs ?? 1000, () => this.send(job, attempt + 1));
    });
  }

  /** A session bound: send what was waiting (for a receiver, or for the next bind). */
  flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) this.send(w.job, w.attempt);
  }
}
