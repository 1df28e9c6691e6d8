/**
 * The fields of a submit_sm / deliver_sm / data_sm and the text they carry, read from the raw octets:
 * what receipts (receipt.ts) and MOs (mo.ts) are both read from. The `smpp` package's message filter
 * guesses and decodes short_message itself, so a whole PDU buffer is the preferred input; a record the
 * package already decoded is accepted as a fallback.
 */
import { SmppdError } from '../errors.js';
import type { Concat } from '../types.js';
import { gsmDecode } from '../text/gsm.js';
import { ucs2Decode } from '../text/ucs2.js';
import { concatFromIes, splitUdh } from '../text/udh.js';
import { CommandId, Status } from './pdu-header.js';

/** The fields of a submit_sm / deliver_sm / data_sm that text and receipt handling need. */
export interface SmFields {
  commandId: number;
  from: string;
  to: string;
  esmClass: number;
  registeredDelivery: number;
  dataCoding: number;
  /** Raw short_message octets, UDH included (empty when absent). */
  octets: Buffer;
  /** Text the `smpp` package had already decoded, when raw octets were not available. */
  decodedText?: string;
  /** UDH information elements the `smpp` package had already split off. */
  decodedUdh?: Buffer[];
  tlvs: Map<number, Buffer | string | number>;
}

export const TLV = {
  receiptedMessageId: 0x001e,
  sarMsgRefNum: 0x020c,
  sarTotalSegments: 0x020e,
  sarSegmentSeqnum: 0x020f,
  networkErrorCode: 0x0423,
  messagePayload: 0x0424,
  messageState: 0x0427,
} as const;

const TLV_NAMES: Record<string, number> = {
  receipted_message_id: TLV.receiptedMessageId,
  sar_msg_ref_num: TLV.sarMsgRefNum,
  sar_total_segments: TLV.sarTotalSegments,
  sar_segment_seqnum: TLV.sarSegmentSeqnum,
  network_error_code: TLV.networkErrorCode,
  message_payload: TLV.messagePayload,
  message_state: TLV.messageState,
};


/**
 * A submit_sm / deliver_sm / data_sm cut short. Read anyway it would yield an empty or clipped
 * text, stored as if it were the message; `status` is the command_status that refuses it (SMPP 3.4
 * §5.1.3: ESME_RINVMSGLEN when sm_length is larger than the short_message present, ESME_RINVCMDLEN when
 * the PDU ends inside its mandatory fields).
 */
export class TruncatedSmError extends SmppdError {
  constructor(readonly status: number, reason: string) {
    super('BAD_PDU', reason);
    this.name = 'TruncatedSmError';
  }
}

function cstring(buf: Buffer, at: number): [string, number] {
  let end = at;
  while (end < buf.length && buf[end] !== 0) end++;
  return [buf.toString('latin1', at, end), end + 1];
}

/**
 * Parses a whole submit_sm, deliver_sm or data_sm PDU (header included) without decoding text. Throws
 * TruncatedSmError when it ends inside its mandatory fields or short_message is shorter than sm_length;
 * TLVs are read as far as they go.
 */
export function readSm(pdu: Buffer): SmFields {
  if (pdu.length < 16) throw new SmppdError('BAD_PDU', `a PDU of ${pdu.length} bytes is shorter than its header`);
  const length = Math.min(pdu.readUInt32BE(0), pdu.length);
  const commandId = pdu.readUInt32BE(4);
  let at = 16;
  let s: string;
  [s, at] = cstring(pdu, at); // service_type
  at += 2; // source ton, npi
  const [from, fromEnd] = cstring(pdu, at);
  const [to, toEnd] = cstring(pdu, fromEnd + 2); // after dest ton, npi
  at = toEnd;
  const esmClass = pdu[at++] ?? 0;
  let registeredDelivery = 0;
  let dataCoding = 0;
  let octets = Buffer.alloc(0);
  if (commandId === CommandId.data_sm) {
    registeredDelivery = pdu[at++] ?? 0;
    dataCoding = pdu[at++] ?? 0;
    if (at > length) throw new TruncatedSmError(Status.ESME_RINVCMDLEN, `a data_sm of ${length} bytes ends inside its mandatory fields`);
  } else {
    at += 2; // protocol_id, priority_flag
    [s, at] = cstring(pdu, at); // schedule_delivery_time
    [s, at] = cstring(pdu, at); // validity_period
    registeredDelivery = pdu[at++] ?? 0;
    at += 1; // replace_if_present_flag
    dataCoding = pdu[at++] ?? 0;
    at += 1; // sm_default_msg_id
    const smLength = pdu[at++] ?? 0;
    if (at > length) throw new TruncatedSmError(Status.ESME_RINVCMDLEN, `a PDU of ${length} bytes ends inside its mandatory fields`);
    if (at + smLength > length) throw new TruncatedSmError(Status.ESME_RINVMSGLEN, `sm_length ${smLength} but ${length - at} octets left`);
    octets = Buffer.from(pdu.subarray(at, at + smLength));
    at += smLength;
  }
  void s;
  const tlvs = new Map<number, Buffer | string | number>();
  while (at + 4 <= length) {
    const tag = pdu.readUInt16BE(at);
    const len = pdu.readUInt16BE(at + 2);
    tlvs.set(tag, Buffer.from(pdu.subarray(at + 4, Math.min(at + 4 + len, length))));
    at += 4 + len;
  }
  return { commandId, from, to, esmClass, registeredDelivery, dataCoding, octets, tlvs };
}

/** Normalises either a PDU buffer or a record decoded by `smpp` into SmFields. */
export function smFields(pdu: Buffer | Record<string, any>): SmFields {
  if (Buffer.isBuffer(pdu)) return readSm(pdu);
  const tlvs = new Map<number, Buffer | string | number>();
  for (const [name, tag] of Object.entries(TLV_NAMES)) {
    if (pdu[name] !== undefined && pdu[name] !== null) tlvs.set(tag, pdu[name]);
  }
  const out: SmFields = {
    commandId: Number(pdu.command_id ?? 0),
    from: String(pdu.source_addr ?? ''),
    to: String(pdu.destination_addr ?? ''),
    esmClass: Number(pdu.esm_class ?? 0),
    registeredDelivery: Number(pdu.registered_delivery ?? 0),
    dataCoding: Number(pdu.data_coding ?? 0),
    octets: Buffer.alloc(0),
    tlvs,
  };
  const sm = pdu.short_message;
  if (Buffer.isBuffer(sm)) out.octets = sm;
  else if (typeof sm === 'string') out.decodedText = sm;
  else if (sm && typeof sm === 'object') {
    const udh: Buffer[] = Array.isArray(sm.udh) ? sm.udh : [];
    if (Buffer.isBuffer(sm.message)) {
      // Rebuild the raw octets: UDHL, then the information elements, then the body.
      const header = udh.length ? Buffer.concat([Buffer.from([udh.reduce((n, ie) => n + ie.length, 0)]), ...udh]) : Buffer.alloc(0);
      out.octets = Buffer.concat([header, sm.message]);
    } else if (typeof sm.message === 'string') {
      out.decodedText = sm.message;
      if (udh.length) out.decodedUdh = udh;
    }
  }
  const payload = pdu.message_payload;
  if (payload && typeof payload === 'object' && !Buffer.isBuffer(payload)) {
    if (Buffer.isBuffer(payload.message)) tlvs.set(TLV.messagePayload, payload.message);
    else if (typeof payload.message === 'string') tlvs.set(TLV.messagePayload, payload.message);
  }
  return out;
}

/** Text from octets by data_coding: 0 GSM 03.38 unpacked, 1 IA5/ASCII, 3 latin1, 8 UCS2 (UTF-16BE). */
export function decodeText(octets: Buffer, dataCoding: number): string {
  if (dataCoding === 0x00 || (dataCoding & 0xf4) === 0xf0) return gsmDecode(octets);
  if (dataCoding === 0x08 || (dataCoding & 0xfc) === 0x18) {
    return ucs2Decode(octets); // JS strings are UTF-16: surrogate pairs survive as-is
  }
  return octets.toString('latin1');
}

function num(v: Buffer | string | number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return v;
  if (Buffer.isBuffer(v)) return v.length === 0 ? undefined : v.length === 1 ? v[0] : v.readUInt16BE(0);
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Text, data coding and concat info of a submit_sm / deliver_sm / data_sm; `dataCoding` reads the octets
 * as another coding (receipts: ASCII under 0, receipt.ts).
 */
export function smText(f: SmFields, dataCoding = f.dataCoding): { text: string; concat?: Concat } {
  const udhi = (f.esmClass & 0x40) !== 0;
  let concat: Concat | undefined;
  let text: string;
  const payload = f.tlvs.get(TLV.messagePayload);
  if (f.octets.length === 0 && f.decodedText === undefined && payload !== undefined) {
    if (typeof payload === 'string') text = payload;
    else {
      const raw = Buffer.isBuffer(payload) ? payload : Buffer.alloc(0);
      const split = udhi ? splitUdh(raw) : { body: raw };
      concat = split.concat;
      text = decodeText(split.body, dataCoding);
    }
  } else if (f.decodedText !== undefined) {
    text = f.decodedText;
    if (f.decodedUdh) concat = concatFromIes(Buffer.concat(f.decodedUdh));
  } else {
    const split = udhi ? splitUdh(f.octets) : { body: f.octets };
    concat = split.concat;
    text = decodeText(split.body, dataCoding);
  }
  const ref = num(f.tlvs.get(TLV.sarMsgRefNum));
  const total = num(f.tlvs.get(TLV.sarTotalSegments));
  const seq = num(f.tlvs.get(TLV.sarSegmentSeqnum));
  if (!concat && ref !== undefined && total !== undefined && seq !== undefined) concat = { ref, total, seq };
  return concat ? { text, concat } : { text };
}
