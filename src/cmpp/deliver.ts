/**
 * CMPP_DELIVER (ISMG → SP): an MO message, or with Registered_Delivery = 1 a status report whose
 * Msg_Content is itself a fixed layout (`CmppReport`). CMPP_DELIVER_RESP has SUBMIT_RESP's layout.
 */
import { CmppCommand, CMPP_HEADER_BYTES, LAYOUT, type CmppVersion } from './constants.js';
import { OctetReader, OctetWriter } from './octets.js';
import { writeCmppHeader } from './header.js';
import { MSG_ID_BYTES, msgIdToDecimal } from './msg-id.js';
import { encodeIdResult } from './submit.js';

export interface CmppDeliver {
  msgId: Buffer;
  /** The SP's service number (with the extension the handset answered to). */
  destId: string;
  serviceId: string;
  tpPid: number;
  tpUdhi: number;
  msgFmt: number;
  srcTerminalId: string;
  /** 3.0 only. */
  srcTerminalType: number;
  /** 1: Msg_Content is a status report. */
  registeredDelivery: number;
  content: Buffer;
  /** 3.0 only. */
  linkId: string;
}

export interface CmppReport {
  /** The Msg_Id of the submit it reports on, canonical decimal. */
  msgId: string;
  /** DELIVRD, EXPIRED, UNDELIV, … */
  stat: string;
  /** YYMMDDHHMM. */
  submitTime: string;
  doneTime: string;
  destTerminalId: string;
  smscSequence: number;
}

function deliverFixedBytes(v: CmppVersion): number {
  const l = LAYOUT[v];
  return 8 + 21 + 10 + 3 + l.terminalIdBytes + (l.terminalType ? 1 : 0) + 1 + 1;
}

export function deliverBytes(v: CmppVersion, contentBytes: number): number {
  return CMPP_HEADER_BYTES + deliverFixedBytes(v) + contentBytes + LAYOUT[v].trailerBytes;
}

export function reportBytes(v: CmppVersion): number {
  return 8 + 7 + 10 + 10 + LAYOUT[v].terminalIdBytes + 4;
}

export function encodeDeliver(v: CmppVersion, seq: number, d: CmppDeliver): Buffer {
  const l = LAYOUT[v];
  if (d.content.length > 255) throw new RangeError(`Msg_Length ${d.content.length} above 255`);
  const w = new OctetWriter(deliverBytes(v, d.content.length));
  writeCmppHeader(w, CmppCommand.deliver, seq);
  w.bytes(d.msgId, MSG_ID_BYTES).text(d.destId, 21).text(d.serviceId, 10).u8(d.tpPid).u8(d.tpUdhi).u8(d.msgFmt);
  w.text(d.srcTerminalId, l.terminalIdBytes);
  if (l.terminalType) w.u8(d.srcTerminalType);
  w.u8(d.registeredDelivery).u8(d.content.length).bytes(d.content);
  if (v === '3.0') w.text(d.linkId, 20);
  return w.buf;
}

export function decodeDeliver(v: CmppVersion, r: OctetReader): CmppDeliver {
  const l = LAYOUT[v];
  const msgId = r.bytes(MSG_ID_BYTES);
  const destId = r.text(21);
  const serviceId = r.text(10);
  const tpPid = r.u8();
  const tpUdhi = r.u8();
  const msgFmt = r.u8();
  const srcTerminalId = r.text(l.terminalIdBytes);
  const srcTerminalType = l.terminalType ? r.u8() : 0;
  const registeredDelivery = r.u8();
  const content = r.bytes(r.u8());
  const linkId = v === '3.0' ? r.text(20) : '';
  if (v === '2.0') r.bytes(8);
  return { msgId, destId, serviceId, tpPid, tpUdhi, msgFmt, srcTerminalId, srcTerminalType, registeredDelivery, content, linkId };
}

export function encodeDeliverResp(v: CmppVersion, seq: number, msgId: Uint8Array, result: number): Buffer {
  return encodeIdResult(CmppCommand.deliver_resp, v, seq, msgId, result);
}

export function encodeReport(v: CmppVersion, msgId: Uint8Array, rep: Omit<CmppReport, 'msgId'>): Buffer {
  const w = new OctetWriter(reportBytes(v));
  w.bytes(msgId, MSG_ID_BYTES).text(rep.stat, 7).text(rep.submitTime, 10).text(rep.doneTime, 10);
  w.text(rep.destTerminalId, LAYOUT[v].terminalIdBytes).u32(rep.smscSequence);
  return w.buf;
}

/** Reads a status report from a DELIVER's content; null when the content is not one of this version's. */
export function decodeReport(v: CmppVersion, content: Buffer): CmppReport | null {
  if (content.length !== reportBytes(v)) return null;
  const r = new OctetReader(content, 0);
  return {
    msgId: msgIdToDecimal(content, r.skip(MSG_ID_BYTES)), // the length is checked above: never short
    stat: r.text(7),
    submitTime: r.text(10),
    doneTime: r.text(10),
    destTerminalId: r.text(LAYOUT[v].terminalIdBytes),
    smscSequence: r.u32(),
  };
}
