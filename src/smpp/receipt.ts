/**
 * Delivery receipts: deliver_sm / data_sm whose esm_class marks them as receipts, parsed from
 * the TLVs (receipted_message_id, message_state, network_error_code) and from the de-facto text
 * format of SMPP 3.4 Appendix B ("id:... sub:... dlvrd:... submit date:... done date:... stat:...
 * err:... text:..."). TLVs win over text: carriers keep them right more often than the text.
 */
import { smFields, smText, TLV, type SmFields } from './mo.js';

export type ReceiptStat =
  | 'DELIVRD' | 'UNDELIV' | 'EXPIRED' | 'REJECTD' | 'DELETED' | 'UNKNOWN' | 'ENROUTE' | 'ACCEPTD';

export interface Receipt {
  messageId: string;
  stat: ReceiptStat;
  final: boolean;
  err?: string;
  submitDate?: string;
  doneDate?: string;
  sub?: string;
  dlvrd?: string;
  text?: string;
  networkErrorCode?: string;
  source: 'tlv' | 'text';
}

export type ReceiptResult = { ok: true; receipt: Receipt } | { ok: false; reason: string };

/** message_state TLV values (SMPP 3.4 5.2.28). */
const STATE_TO_STAT: Record<number, ReceiptStat> = {
  1: 'ENROUTE', 2: 'DELIVRD', 3: 'EXPIRED', 4: 'DELETED', 5: 'UNDELIV', 6: 'ACCEPTD', 7: 'UNKNOWN', 8: 'REJECTD',
};

/** Spellings seen in receipt texts besides the 7-letter forms. */
const STAT_ALIASES: Record<string, ReceiptStat> = {
  DELIVRD: 'DELIVRD', DELIVERED: 'DELIVRD', DELIVER: 'DELIVRD',
  UNDELIV: 'UNDELIV', UNDELIVERABLE: 'UNDELIV', UNDELIVERED: 'UNDELIV',
  EXPIRED: 'EXPIRED', EXPIRD: 'EXPIRED',
  REJECTD: 'REJECTD', REJECTED: 'REJECTD',
  DELETED: 'DELETED', DELETD: 'DELETED',
  UNKNOWN: 'UNKNOWN',
  ENROUTE: 'ENROUTE',
  ACCEPTD: 'ACCEPTD', ACCEPTED: 'ACCEPTD',
};

/** esm_class bits 2-5 (SMPP 3.4 5.2.12): 0x04 SMSC receipt, 0x08 SME ack, 0x20 intermediate notification. */
const RECEIPT_TYPES = new Set([0x04, 0x08, 0x20]);

const KEY_RE = /(?<![A-Za-z0-9_])(id|sub|dlvrd|submit[ _]?date|done[ _]?date|stat|err|text)\s*:\s*/gi;

type TextFields = Partial<Record<'id' | 'sub' | 'dlvrd' | 'submitDate' | 'doneDate' | 'stat' | 'err' | 'text', string>>;

/** Key/value pairs of a receipt text, in any order and case, with any spacing; absent keys are absent. */
export function parseReceiptText(text: string): TextFields {
  const keys = [...text.matchAll(KEY_RE)];
  const out: TextFields = {};
  keys.forEach((m, i) => {
    const key = m[1].toLowerCase().replace(/[ _]/g, '');
    const name = key === 'submitdate' ? 'submitDate' : key === 'donedate' ? 'doneDate' : (key as keyof TextFields);
    if (out[name] !== undefined) return; // the first occurrence wins; a later one is inside text:
    const start = (m.index ?? 0) + m[0].length;
    const end = i + 1 < keys.length ? keys[i + 1].index ?? text.length : text.length;
    const raw = text.slice(start, end);
    out[name] = name === 'text' ? raw.trim() : (raw.trim().split(/\s+/)[0] ?? '');
  });
  return out;
}

function tlvString(v: Buffer | string | number | undefined): string | undefined {
  if (v === undefined) return undefined;
  const s = Buffer.isBuffer(v) ? v.toString('latin1') : String(v);
  const trimmed = s.replace(/\0+$/, '').trim();
  return trimmed === '' ? undefined : trimmed;
}

function tlvNumber(v: Buffer | string | number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return v;
  if (Buffer.isBuffer(v)) return v.length ? v[0] : undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Parses a receipt; says why when the PDU is not a receipt or names no message. */
export function parseReceiptResult(pdu: Buffer | Record<string, any>): ReceiptResult {
  return receiptFromFields(smFields(pdu));
}

/** parseReceiptResult on fields already read (Inbound reads a PDU's fields once for every use). */
export function receiptFromFields(f: SmFields): ReceiptResult {
  const type = f.esmClass & 0x3c;
  if (!RECEIPT_TYPES.has(type)) return { ok: false, reason: `not a receipt (esm_class 0x${f.esmClass.toString(16)})` };
  // SMSCs write receipt texts in ASCII even under data_coding 0; GSM would turn "_" into "§".
  const text = smText(f.dataCoding === 0 ? { ...f, dataCoding: 0x01 } : f).text;
  const t = parseReceiptText(text);
  const tlvId = tlvString(f.tlvs.get(TLV.receiptedMessageId));
  const state = tlvNumber(f.tlvs.get(TLV.messageState));
  const tlvStat = state === undefined ? undefined : STATE_TO_STAT[state];
  const messageId = tlvId ?? (t.id || undefined);
  if (!messageId) return { ok: false, reason: 'receipt names no message id' };
  const textStat = t.stat ? STAT_ALIASES[t.stat.toUpperCase()] ?? 'UNKNOWN' : undefined;
  const stat = tlvStat ?? textStat;
  if (!stat) return { ok: false, reason: `receipt for ${messageId} carries no delivery state` };
  const receipt: Receipt = {
    messageId,
    stat,
    // SMPP 3.4 5.2.28: ENROUTE and ACCEPTED (6) are not delivery outcomes; the SMSC reports the final
    // state later. src/store/lua/common.lua (FINAL_STAT) draws the same line.
    final: stat !== 'ENROUTE' && stat !== 'ACCEPTD',
    source: tlvId !== undefined || tlvStat !== undefined ? 'tlv' : 'text',
  };
  const nec = f.tlvs.get(TLV.networkErrorCode);
  if (Buffer.isBuffer(nec) && nec.length === 3) {
    // network_error_code = network type (1 octet) + error code (2 octets), SMPP 3.4 5.3.2.31.
    receipt.networkErrorCode = nec.toString('hex');
    if (!t.err) receipt.err = String(nec.readUInt16BE(1)).padStart(3, '0');
  }
  if (t.err) receipt.err = t.err;
  if (t.submitDate) receipt.submitDate = t.submitDate;
  if (t.doneDate) receipt.doneDate = t.doneDate;
  if (t.sub) receipt.sub = t.sub;
  if (t.dlvrd) receipt.dlvrd = t.dlvrd;
  if (t.text !== undefined) receipt.text = t.text;
  return { ok: true, receipt };
}

/** The receipt, or null when the PDU is not one (or is unusable). */
export function parseReceipt(pdu: Buffer | Record<string, any>): Receipt | null {
  const r = parseReceiptResult(pdu);
  return r.ok ? r.receipt : null;
}

/**
 * Canonical form of a message id so a submit_sm_resp id and a receipt id compare equal when the
 * carrier writes one in hex and the other in decimal: lower-case hex without leading zeros for
 * 'hex' and 'decimal', the trimmed id for 'as-sent'. Ids that do not parse stay trimmed.
 */
export function normaliseMessageId(id: string, format: 'as-sent' | 'decimal' | 'hex'): string {
  const s = id.replace(/\0+$/, '').trim();
  if (format === 'as-sent' || s === '') return s;
  if (format === 'hex' && /^(0x)?[0-9a-f]+$/i.test(s)) return BigInt(s.startsWith('0x') || s.startsWith('0X') ? s : `0x${s}`).toString(16);
  if (format === 'decimal' && /^[0-9]+$/.test(s)) return BigInt(s).toString(16);
  return s;
}
