/**
 * Delivery receipts: deliver_sm / data_sm whose esm_class marks them as receipts, parsed from
 * the TLVs (receipted_message_id, message_state, network_error_code) and from the de-facto text
 * format of SMPP 3.4 Appendix B ("id:... sub:... dlvrd:... submit date:... done date:... stat:...
 * err:... text:..."). TLVs win over text: carriers keep them right more often than the text.
 */
import { smFields, smText, TLV, type SmFields } from './sm-fields.js';

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

type TextFields = Partial<Record<'id' | 'sub' | 'dlvrd' | 'submitDate' | 'doneDate' | 'stat' | 'err' | 'text', string>>;
type FieldName = keyof TextFields;

// The keys of a receipt text, as /(?<![A-Za-z0-9_])(id|sub|dlvrd|submit[ _]?date|done[ _]?date|stat|err|text)\s*:\s*/gi
// would find them, scanned by hand: matchAll, its match arrays and split() made about 5.7 KB of garbage
// per receipt, a quarter of the daemon's allocations in a run with receipts (docs/BENCHMARKS-HISTORY.md,
// "Eighth round", change 37). test/smpp/receipt.test.ts holds that regex and compares the two on generated texts.
// [name, word, whether "[ _]?date" follows]; tried in this order, as the alternation is.
const KEYS: [FieldName, string, boolean][] = [
  ['id', 'id', false], ['sub', 'sub', false], ['dlvrd', 'dlvrd', false], ['submitDate', 'submit', true],
  ['doneDate', 'done', true], ['stat', 'stat', false], ['err', 'err', false], ['text', 'text', false],
];

/** JavaScript's \s (WhiteSpace and LineTerminator), which trim() also removes. */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** The end of ASCII `word` (lower case) at `p`, any case; -1 when it is not there. */
function wordAt(text: string, p: number, word: string): number {
  if (p + word.length > text.length) return -1;
  for (let k = 0; k < word.length; k++) {
    const c = text.charCodeAt(p + k);
    // ASCII letters only: under /i a non-ASCII letter never matches an ASCII one (ES Canonicalize).
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== word.charCodeAt(k)) return -1;
  }
  return p + word.length;
}

let keyName: FieldName = 'id'; // keyAt's second result: no object per key found

/** Where the value of the key at `p` starts (after `\s*:\s*`), its name in keyName; -1 when no key is there. */
function keyAt(text: string, p: number): number {
  for (const [name, word, dated] of KEYS) {
    let e = wordAt(text, p, word);
    if (e < 0) continue;
    if (dated) {
      const c = text.charCodeAt(e);
      const withSep = c === 0x20 || c === 0x5f ? wordAt(text, e + 1, 'date') : -1;
      e = withSep >= 0 ? withSep : wordAt(text, e, 'date');
      if (e < 0) continue;
    }
    while (e < text.length && isSpace(text.charCodeAt(e))) e++;
    if (text.charCodeAt(e) !== 0x3a) continue; // ':'
    e++;
    while (e < text.length && isSpace(text.charCodeAt(e))) e++;
    keyName = name;
    return e;
  }
  return -1;
}

/** The value of `name` running from `from` to `to`: `text` trimmed, any other field its first word. */
function fieldValue(text: string, name: FieldName, from: number, to: number): string {
  let a = from, b = to;
  while (a < b && isSpace(text.charCodeAt(a))) a++;
  if (name === 'text') {
    while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
  } else {
    b = a;
    while (b < to && !isSpace(text.charCodeAt(b))) b++;
  }
  return text.slice(a, b);
}

/** Key/value pairs of a receipt text, in any order and case, with any spacing; absent keys are absent. */
export function parseReceiptText(text: string): TextFields {
  const out: TextFields = {};
  let name: FieldName | undefined; // the key whose value runs up to the next key
  let from = 0;
  for (let p = 0; p < text.length;) {
    const c = text.charCodeAt(p) | 0x20;
    // Only i, s, d, e, t start a key; the character before a key is not a word character.
    const start = (c === 0x69 || c === 0x73 || c === 0x64 || c === 0x65 || c === 0x74) && (p === 0 || !isWordChar(text.charCodeAt(p - 1)))
      ? keyAt(text, p) : -1;
    if (start < 0) { p++; continue; }
    // The first occurrence wins: a later one is inside text:.
    if (name !== undefined && out[name] === undefined) out[name] = fieldValue(text, name, from, p);
    name = keyName;
    from = p = start;
  }
  if (name !== undefined && out[name] === undefined) out[name] = fieldValue(text, name, from, text.length);
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
  const text = smText(f, f.dataCoding === 0 ? 0x01 : f.dataCoding).text;
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
