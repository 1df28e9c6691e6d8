/** CMPP_CONNECT and CMPP_CONNECT_RESP (same layout in 2.0 and 3.0 but for the width of Status). */
import { CmppCommand, CMPP_HEADER_BYTES } from './constants.js';
import { type OctetReader, OctetWriter } from './octets.js';
import { writeCmppHeader } from './header.js';

export interface CmppConnect {
  /** The SP's enterprise code (6 characters). */
  sourceAddr: string;
  authenticatorSource: Buffer;
  /** The version octet: 0x20, 0x30. */
  version: number;
  /** MMDDHHMMSS as a number, as the field is an Unsigned Integer. */
  timestamp: number;
}

export interface CmppConnectResp {
  status: number;
  /** 1 in 2.0, 4 in 3.0; read from the PDU's length, since some ISMGs answer a 3.0 login in 2.0 form. */
  statusBytes: 1 | 4;
  authenticatorIsmg: Buffer;
  version: number;
}

const CONNECT_BODY = 6 + 16 + 1 + 4;

export function encodeConnect(seq: number, c: CmppConnect): Buffer {
  const w = new OctetWriter(CMPP_HEADER_BYTES + CONNECT_BODY);
  writeCmppHeader(w, CmppCommand.connect, seq);
  w.text(c.sourceAddr, 6).bytes(c.authenticatorSource, 16).u8(c.version).u32(c.timestamp);
  return w.buf;
}

export function decodeConnect(r: OctetReader): CmppConnect {
  return { sourceAddr: r.text(6), authenticatorSource: r.bytes(16), version: r.u8(), timestamp: r.u32() };
}

export function encodeConnectResp(seq: number, c: CmppConnectResp): Buffer {
  const w = new OctetWriter(CMPP_HEADER_BYTES + c.statusBytes + 16 + 1);
  writeCmppHeader(w, CmppCommand.connect_resp, seq);
  if (c.statusBytes === 1) w.u8(c.status);
  else w.u32(c.status);
  w.bytes(c.authenticatorIsmg, 16).u8(c.version);
  return w.buf;
}

export function decodeConnectResp(r: OctetReader): CmppConnectResp {
  const statusBytes = r.remaining === 4 + 16 + 1 ? 4 : 1;
  const status = statusBytes === 4 ? r.u32() : r.u8();
  return { status, statusBytes, authenticatorIsmg: r.bytes(16), version: r.u8() };
}

