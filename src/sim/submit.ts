/**
 * What a simulated carrier does with one submit_sm: record it, apply the faults in force
 * (drop, never answer, garbage, hostile answers, fault shares, slowness), answer, and schedule the receipt.
 * The steps CMPP takes too (record, connection faults, answer and receipt timing) are in submit-flow.ts.
 */
import { readSm, smText } from '../smpp/sm-fields.js';
import type { SimConnection } from './connection.js';
import type { IdSource } from './ids.js';
import { hostileAnswer } from './hostile.js';
import type { ReceiptJob } from './receipts.js';
import { Status } from '../smpp/pdu-header.js';
import { answerSubmit, connectionFault, keepSubmit, wantsReceipt, type SubmitFlowHost } from './submit-flow.js';
import type { SimSubmit } from './types.js';
import { encode, header, maskNumber } from './wire.js';

export interface SubmitHost extends SubmitFlowHost {
  readonly ids: IdSource;
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
    status: Status.ESME_ROK,
    at: Date.now(),
  };
  if (concat) rec.udh = concat;
  keepSubmit(h, rec);
  h.log.debug({ conn: conn.id, seq, to: maskNumber(f.to), parts: concat?.total ?? 1 }, 'submit_sm received');

  if (connectionFault(b, conn)) return;
  if (hostileAnswer(b, conn, seq, h.timers)) return;

  // A number the SMSC answers one way every time (statusFor) still advances the shares' counters.
  const shared = h.shares.next(b);
  const status = b.statusFor?.[f.to] ?? shared;
  let job: ReceiptJob | undefined;
  if (status === Status.ESME_ROK) {
    const ids = h.ids.take(b);
    rec.msgId = ids.resp;
    if (wantsReceipt(b, (f.registeredDelivery & 1) === 1)) {
      job = { receiptId: ids.receipt, handset: f.to, sender: f.from, text, submittedAt: rec.at, undeliverable: h.nextUndeliverable() };
    }
  }

  answerSubmit(h, b, conn, rec, status, job, () => {
    const fields = status === Status.ESME_ROK ? { message_id: rec.msgId } : {};
    conn.write(encode('submit_sm_resp', { ...fields, sequence_number: seq, command_status: status }));
  });
}
