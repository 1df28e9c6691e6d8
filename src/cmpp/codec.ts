/**
 * Decodes one whole CMPP frame of a channel's version. Never throws: a frame whose length does not
 * match its fields, or whose command is unknown, is a refusal with a reason, and the session that read
 * it closes (CMPP, like SMPP, has no frame marker to resynchronise on).
 */
import { CmppCommand, CMPP_HEADER_BYTES, commandName, type CmppCommandName, type CmppVersion } from './constants.js';
import { OctetReader, OctetWriter } from './octets.js';
import { writeCmppHeader } from './header.js';
import { decodeConnect, decodeConnectResp, type CmppConnect, type CmppConnectResp } from './connect.js';
import { decodeIdResult, decodeSubmit, type CmppSubmit, type CmppSubmitResp } from './submit.js';
import { decodeDeliver, type CmppDeliver } from './deliver.js';

export type CmppPdu =
  | { command: 'connect'; seq: number; body: CmppConnect }
  | { command: 'connect_resp'; seq: number; body: CmppConnectResp }
  | { command: 'submit'; seq: number; body: CmppSubmit }
  | { command: 'submit_resp'; seq: number; body: CmppSubmitResp }
  | { command: 'deliver'; seq: number; body: CmppDeliver }
  | { command: 'deliver_resp'; seq: number; body: CmppSubmitResp }
  | { command: 'active_test' | 'active_test_resp' | 'terminate' | 'terminate_resp'; seq: number; body: null };

export type CmppDecodeResult = { ok: true; pdu: CmppPdu } | { ok: false; reason: string; command?: CmppCommandName; seq?: number };

type Body = CmppPdu['body'];
const DECODERS: Partial<Record<CmppCommandName, (v: CmppVersion, r: OctetReader) => Body>> = {
  connect: (_v, r) => decodeConnect(r),
  connect_resp: (_v, r) => decodeConnectResp(r),
  submit: decodeSubmit,
  submit_resp: decodeIdResult,
  deliver: decodeDeliver,
  deliver_resp: decodeIdResult,
  active_test: () => null,
  terminate: () => null,
  terminate_resp: () => null,
  // Reserve (1 octet) by the specifications; some ISMGs send none, so it is not required.
  active_test_resp: (_v, r) => (r.remaining > 0 ? (r.u8(), null) : null),
};

export function decodeCmpp(frame: Buffer, v: CmppVersion): CmppDecodeResult {
  if (frame.length < CMPP_HEADER_BYTES) return { ok: false, reason: `frame of ${frame.length} octets is shorter than the header` };
  const total = frame.readUInt32BE(0);
  if (total !== frame.length) return { ok: false, reason: `Total_Length ${total} but ${frame.length} octets framed` };
  const id = frame.readUInt32BE(4);
  const seq = frame.readUInt32BE(8);
  const command = commandName(id);
  const decode = command && DECODERS[command];
  if (!command || !decode) {
    return { ok: false, reason: `unsupported Command_Id 0x${id.toString(16).padStart(8, '0')}`, seq, ...(command ? { command } : {}) };
  }
  const r = new OctetReader(frame, CMPP_HEADER_BYTES);
  const body = decode(v, r);
  if (r.short) return { ok: false, reason: `${command} shorter than its fields`, command, seq };
  if (r.remaining !== 0) return { ok: false, reason: `${command} has ${r.remaining} octets beyond its fields`, command, seq };
  return { ok: true, pdu: { command, seq, body } as CmppPdu };
}

/** A PDU with no body: ACTIVE_TEST, TERMINATE and TERMINATE_RESP. */
export function encodeEmpty(command: 'active_test' | 'terminate' | 'terminate_resp', seq: number): Buffer {
  const w = new OctetWriter(CMPP_HEADER_BYTES);
  writeCmppHeader(w, CmppCommand[command], seq);
  return w.buf;
}

export function encodeActiveTestResp(seq: number): Buffer {
  const w = new OctetWriter(CMPP_HEADER_BYTES + 1);
  writeCmppHeader(w, CmppCommand.active_test_resp, seq);
  return w.buf;
}
