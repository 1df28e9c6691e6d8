/**
 * CMPP_SUBMIT and CMPP_SUBMIT_RESP, field for field as the 2.0 and 3.0 specifications lay them out.
 * 3.0 widens terminal ids from 21 to 32 octets, adds a type octet after each, and ends with a 20-octet
 * LinkID where 2.0 has 8 reserved octets.
 */
import { CmppCommand, CMPP_HEADER_BYTES, LAYOUT, type CmppVersion } from './constants.js';
import { type OctetReader, OctetWriter } from './octets.js';
import { writeCmppHeader } from './header.js';
import { MSG_ID_BYTES, msgIdToDecimal } from './msg-id.js';

export interface CmppSubmit {
  /** Zero when the SP sends it; the ISMG fills it in. */
  msgId: Buffer;
  pkTotal: number;
  pkNumber: number;
  /** 1: the SP wants a status report. */
  registeredDelivery: number;
  msgLevel: number;
  serviceId: string;
  /** Who pays: 0 the recipient, 1 the sender, 2 the SP, 3 feeTerminalId. */
  feeUserType: number;
  feeTerminalId: string;
  /** 3.0 only: 0 a real number, 1 a pseudo-code. */
  feeTerminalType: number;
  tpPid: number;
  /** 1 when the content starts with a UDH (a part of a long message). */
  tpUdhi: number;
  msgFmt: number;
  /** The SP's enterprise code. */
  msgSrc: string;
  feeType: string;
  feeCode: string;
  /** Validity and scheduled time as "YYMMDDhhmmsstnnp" (16 characters), or '' for none. */
  validTime: string;
  atTime: string;
  /** The SP's service number, optionally followed by an extension. */
  srcId: string;
  destTerminalIds: string[];
  /** 3.0 only. */
  destTerminalType: number;
  /** At most 255 octets (Msg_Length is one octet); 140 for one SMS part. */
  content: Uint8Array;
  /** 3.0 only. */
  linkId: string;
}

export interface CmppSubmitResp {
  /** The canonical decimal form (msg-id.ts). */
  msgId: string;
  result: number;
}

/** Octets before Dest_terminal_Id: 117 in 2.0, 129 in 3.0. */
function fixedBytes(v: CmppVersion): number {
  const l = LAYOUT[v];
  return 8 + 4 + 10 + 1 + l.terminalIdBytes + (l.terminalType ? 1 : 0) + 3 + 6 + 2 + 6 + 17 + 17 + 21 + 1;
}

export const MAX_DEST_TERMINALS = 100;

export function submitBytes(v: CmppVersion, destCount: number, contentBytes: number): number {
  const l = LAYOUT[v];
  return CMPP_HEADER_BYTES + fixedBytes(v) + destCount * l.terminalIdBytes + (l.terminalType ? 1 : 0) + 1 + contentBytes + l.trailerBytes;
}

/** Throws RangeError for a submit the protocol cannot carry: a bug of the caller's, not peer input. */
export function encodeSubmit(v: CmppVersion, seq: number, s: CmppSubmit): Buffer {
  const l = LAYOUT[v];
  const n = s.destTerminalIds.length;
  if (n < 1 || n > MAX_DEST_TERMINALS) throw new RangeError(`DestUsr_tl ${n} outside 1..${MAX_DEST_TERMINALS}`);
  if (s.content.length > 255) throw new RangeError(`Msg_Length ${s.content.length} above 255`);
  const w = new OctetWriter(submitBytes(v, n, s.content.length));
  writeCmppHeader(w, CmppCommand.submit, seq);
  w.bytes(s.msgId, MSG_ID_BYTES).u8(s.pkTotal).u8(s.pkNumber).u8(s.registeredDelivery).u8(s.msgLevel);
  w.text(s.serviceId, 10).u8(s.feeUserType).text(s.feeTerminalId, l.terminalIdBytes);
  if (l.terminalType) w.u8(s.feeTerminalType);
  w.u8(s.tpPid).u8(s.tpUdhi).u8(s.msgFmt).text(s.msgSrc, 6).text(s.feeType, 2).text(s.feeCode, 6);
  w.text(s.validTime, 17).text(s.atTime, 17).text(s.srcId, 21).u8(n);
  for (const d of s.destTerminalIds) w.text(d, l.terminalIdBytes);
  if (l.terminalType) w.u8(s.destTerminalType);
  w.u8(s.content.length).bytes(s.content);
  if (v === '3.0') w.text(s.linkId, 20);
  return w.buf;
}

/** A CMPP_SUBMIT without its header, ready for request(CmppCommand.submit, body): what prepare stores. */
export function submitBody(v: CmppVersion, s: CmppSubmit): Buffer {
  return encodeSubmit(v, 0, s).subarray(CMPP_HEADER_BYTES);
}

export function decodeSubmit(v: CmppVersion, r: OctetReader): CmppSubmit {
  const l = LAYOUT[v];
  const msgId = r.bytes(MSG_ID_BYTES);
  const pkTotal = r.u8();
  const pkNumber = r.u8();
  const registeredDelivery = r.u8();
  const msgLevel = r.u8();
  const serviceId = r.text(10);
  const feeUserType = r.u8();
  const feeTerminalId = r.text(l.terminalIdBytes);
  const feeTerminalType = l.terminalType ? r.u8() : 0;
  const tpPid = r.u8();
  const tpUdhi = r.u8();
  const msgFmt = r.u8();
  const msgSrc = r.text(6);
  const feeType = r.text(2);
  const feeCode = r.text(6);
  const validTime = r.text(17);
  const atTime = r.text(17);
  const srcId = r.text(21);
  const n = r.u8();
  const destTerminalIds: string[] = [];
  for (let i = 0; i < n && !r.short; i++) destTerminalIds.push(r.text(l.terminalIdBytes));
  const destTerminalType = l.terminalType ? r.u8() : 0;
  const content = r.bytes(r.u8());
  const linkId = v === '3.0' ? r.text(20) : '';
  if (v === '2.0') r.bytes(8);
  return {
    msgId, pkTotal, pkNumber, registeredDelivery, msgLevel, serviceId, feeUserType, feeTerminalId, feeTerminalType,
    tpPid, tpUdhi, msgFmt, msgSrc, feeType, feeCode, validTime, atTime, srcId, destTerminalIds, destTerminalType,
    content, linkId,
  };
}

export function encodeSubmitResp(v: CmppVersion, seq: number, msgId: Uint8Array, result: number): Buffer {
  return encodeIdResult(CmppCommand.submit_resp, v, seq, msgId, result);
}

export function decodeIdResult(v: CmppVersion, r: OctetReader): CmppSubmitResp {
  const at = r.skip(MSG_ID_BYTES); // only the decimal is kept: read in place, not copied
  const result = LAYOUT[v].resultBytes === 4 ? r.u32() : r.u8();
  return { msgId: at < 0 ? '' : msgIdToDecimal(r.buf, at), result };
}

/** SUBMIT_RESP and DELIVER_RESP share one layout: Msg_Id, then Result. */
export function encodeIdResult(commandId: number, v: CmppVersion, seq: number, msgId: Uint8Array, result: number): Buffer {
  const bytes = LAYOUT[v].resultBytes;
  const w = new OctetWriter(CMPP_HEADER_BYTES + MSG_ID_BYTES + bytes);
  writeCmppHeader(w, commandId, seq);
  w.bytes(msgId, MSG_ID_BYTES);
  if (bytes === 4) w.u32(result);
  else w.u8(result);
  return w.buf;
}
