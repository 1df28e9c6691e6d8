/**
 * What a simulated ISMG does with one CMPP_SUBMIT: record it, apply the faults in force (drop, never
 * answer, garbage, fault shares, slowness), answer with a fresh Msg_Id and Result, and schedule the
 * status report. The faults, their order and the answer's timing are shared with the SMPP side
 * (submit-flow.ts); only the codes differ.
 */
import { SUBMIT_RESULT, type CmppVersion } from '../cmpp/constants.js';
import { MSG_ID_BYTES } from '../cmpp/msg-id.js';
import { encodeSubmitResp, type CmppSubmit } from '../cmpp/submit.js';
import type { CmppConnection } from './cmpp-connection.js';
import type { CmppIdSource } from './cmpp-ids.js';
import { cmppText } from '../cmpp/text.js';
import type { ReceiptJob } from './receipts.js';
import { Status } from '../smpp/pdu-header.js';
import { answerSubmit, connectionFault, keepSubmit, wantsReceipt, type SubmitFlowHost } from './submit-flow.js';
import type { SimSubmit } from './types.js';
import { maskNumber } from './wire.js';

/** Result for a temporary fault of the gateway's own: 14 is the first code neither version names. */
export const RESULT_TRANSIENT = 14;
/** Result for a destination refused for good: 3.0 names it (13); 2.0 has only "other error" (9). */
export const RESULT_REJECT: Record<CmppVersion, number> = { '2.0': 9, '3.0': 13 };

export interface CmppSubmitHost extends SubmitFlowHost {
  readonly version: CmppVersion;
  readonly cmppIds: CmppIdSource;
}

/** The CMPP Result for the SMPP status the fault shares chose (shares.ts speaks SMPP). */
export function cmppResult(v: CmppVersion, status: number): number {
  switch (status) {
    case Status.ESME_ROK: return SUBMIT_RESULT.ok;
    case Status.ESME_RTHROTTLED:
    case Status.ESME_RMSGQFUL: return SUBMIT_RESULT.flowControl;
    case Status.ESME_RINVDSTADR: return RESULT_REJECT[v];
    default: return RESULT_TRANSIENT;
  }
}

export function handleCmppSubmit(h: CmppSubmitHost, conn: CmppConnection, seq: number, s: CmppSubmit): void {
  const { text, concat } = cmppText(s.content, s.msgFmt, s.tpUdhi);
  const b = h.behaviours;
  const to = s.destTerminalIds[0] ?? '';
  const rec: SimSubmit = {
    carrier: h.name, protocol: 'cmpp', bind: conn.id, seq, msgId: '', to, from: s.srcId,
    esmClass: s.tpUdhi === 1 ? 0x40 : 0, dataCoding: s.msgFmt, text, answered: false, status: SUBMIT_RESULT.ok, at: Date.now(),
  };
  if (concat) rec.udh = concat;
  keepSubmit(h, rec);
  h.log.debug({ conn: conn.id, seq, to: maskNumber(to), parts: concat?.total ?? 1 }, 'CMPP_SUBMIT received');

  if (connectionFault(b, conn)) return;

  // As on the SMPP side, a number answered one way every time still advances the shares' counters.
  const shared = h.shares.next(b);
  const result = cmppResult(h.version, b.statusFor?.[to] ?? shared);
  let msgId: Buffer = Buffer.alloc(MSG_ID_BYTES); // zero when refused, as gateways answer
  let job: ReceiptJob | undefined;
  if (result === SUBMIT_RESULT.ok) {
    const id = h.cmppIds.take();
    msgId = id.bytes;
    rec.msgId = id.decimal;
    if (wantsReceipt(b, s.registeredDelivery === 1)) {
      job = { receiptId: id.decimal, handset: to, sender: s.srcId, text, submittedAt: rec.at, undeliverable: h.nextUndeliverable() };
    }
  }

  answerSubmit(h, b, conn, rec, result, job, () => conn.write(encodeSubmitResp(h.version, seq, msgId, result)));
}
