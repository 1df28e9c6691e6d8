/**
 * The DELIVERs a simulated ISMG writes: a status report (Registered_Delivery 1, Msg_Content the report
 * naming the submit's Msg_Id) and one part of an MO. Each DELIVER carries a fresh Msg_Id of its own.
 */
import { MsgFmt, type CmppVersion } from '../cmpp/constants.js';
import { encodeDeliver, encodeReport } from '../cmpp/deliver.js';
import { msgIdFromDecimal } from '../cmpp/msg-id.js';
import { cstMinute, type CmppId } from './cmpp-ids.js';
import type { CmppMoPart } from './cmpp-text.js';
import type { ReceiptJob } from './receipts.js';
import type { SimBehaviours } from './types.js';

/** `job.receiptId` is the submit's Msg_Id in canonical decimal; `smscSequence` numbers the reports. */
export function reportFrame(
  v: CmppVersion, seq: number, id: CmppId, job: ReceiptJob, b: SimBehaviours, nowMs: number, smscSequence: number,
): Buffer {
  const stat = job.undeliverable ? 'UNDELIV' : 'DELIVRD';
  const report = encodeReport(v, msgIdFromDecimal(job.receiptId) ?? Buffer.alloc(8), {
    stat: b.receiptLowercase ? stat.toLowerCase() : stat,
    submitTime: cstMinute(job.submittedAt),
    doneTime: cstMinute(nowMs),
    destTerminalId: job.handset,
    smscSequence,
  });
  return encodeDeliver(v, seq, {
    msgId: id.bytes, destId: job.sender, serviceId: '', tpPid: 0, tpUdhi: 0, msgFmt: MsgFmt.ascii,
    srcTerminalId: job.handset, srcTerminalType: 0, registeredDelivery: 1, content: report, linkId: '',
  });
}

export function moFrame(v: CmppVersion, seq: number, id: CmppId, mo: { from: string; to: string }, part: CmppMoPart): Buffer {
  return encodeDeliver(v, seq, {
    msgId: id.bytes, destId: mo.to, serviceId: '', tpPid: 0, tpUdhi: part.tpUdhi, msgFmt: part.msgFmt,
    srcTerminalId: mo.from, srcTerminalType: 0, registeredDelivery: 0, content: part.content, linkId: '',
  });
}
