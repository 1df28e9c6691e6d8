/**
 * Alphabet choice and segmentation (3GPP TS 23.040 §9.2.3.24.1 / .8 for the concatenation IEs,
 * SMPP 3.4 §5.3.2.22-24 for the SAR TLVs, §5.3.2.32 for message_payload).
 */
import { gsmEncode, GSM_ESCAPE } from './gsm.js';
import { ucs2Encode, isHighSurrogateAt } from './ucs2.js';
import type { ConcatRefs } from './concat-ref.js';

export type ConcatMode = 'udh8' | 'udh16' | 'sar' | 'payload';
export type Alphabet = 'gsm' | 'ucs2';

export const TLV_SAR_MSG_REF_NUM = 0x020c;
export const TLV_SAR_TOTAL_SEGMENTS = 0x020e;
export const TLV_SAR_SEGMENT_SEQNUM = 0x020f;
export const TLV_MESSAGE_PAYLOAD = 0x0424;
export const ESM_UDHI = 0x40;

export interface Tlv {
  tag: number;
  value: Uint8Array;
}

export interface Segment {
  shortMessage: Uint8Array; // UDH (when any) + text octets
  tlvs?: Tlv[];
}

export interface Segmented {
  alphabet: Alphabet;
  esmClass: number;
  parts: Segment[];
  /** Parts the handset receives (a message_payload is split by the SMSC into this many). */
  billedParts: number;
}

export interface SegmentOptions {
  concat: ConcatMode;
  maxParts: number;
  /** Characters the carrier appends itself; kept free in the single part or the last part. */
  reserve?: number;
  refs: ConcatRefs;
  dest: string;
}

// Capacities in octets of the unpacked encoding: GSM 1 octet per septet, UCS2 2 per unit.
const SINGLE = { gsm: 160, ucs2: 140 } as const;
const PER_PART_8 = { gsm: 153, ucs2: 134 } as const; // 6-octet UDH: 7 septets / 3 units lost
const PER_PART_16 = { gsm: 152, ucs2: 132 } as const; // 7-octet UDH: 8 septets / 4 units lost

/** Octets of `alphabet` one part holds: alone (`single`), or as one of several under `concat`. */
export function smppBudget(alphabet: Alphabet, concat: ConcatMode): { single: number; perPart: number } {
  return { single: SINGLE[alphabet], perPart: (concat === 'udh16' ? PER_PART_16 : PER_PART_8)[alphabet] };
}

/** The reference bits `concat` needs for a message of several parts; 0: none (one message_payload). */
export function refBits(concat: ConcatMode): 0 | 8 | 16 {
  return concat === 'payload' ? 0 : concat === 'udh8' ? 8 : 16;
}

/** Segments `text`; returns 'TOO_MANY_PARTS' rather than ever truncating. */
export function segmentText(text: string, opts: SegmentOptions): Segmented | 'TOO_MANY_PARTS' {
  const gsm = gsmEncode(text);
  const alphabet: Alphabet = gsm ? 'gsm' : 'ucs2';
  const octets = gsm ?? ucs2Encode(text);
  const unit = alphabet === 'gsm' ? 1 : 2;
  const reserve = (opts.reserve ?? 0) * unit;

  if (octets.length + reserve <= SINGLE[alphabet]) {
    return { alphabet, esmClass: 0, parts: [{ shortMessage: octets }], billedParts: 1 };
  }
  const perPart = (opts.concat === 'udh16' ? PER_PART_16 : PER_PART_8)[alphabet];
  const chunks = split(octets, alphabet, perPart, reserve);
  if (chunks.length > opts.maxParts || chunks.length > 255) return 'TOO_MANY_PARTS';
  const bits = refBits(opts.concat);
  const ref = bits === 0 ? 0 : opts.refs.next(opts.dest, bits);
  return { alphabet, billedParts: chunks.length, ...concatParts(chunks, octets, opts.concat, ref) };
}

/**
 * The parts of a message cut into `chunks` (the octets of each, `whole` all of them) as `concat` writes
 * them: behind a UDH, with SAR TLVs, or as one message_payload the SMSC splits. `ref` fits the mode's
 * reference (refBits).
 */
export function concatParts(chunks: Uint8Array[], whole: Uint8Array, concat: ConcatMode, ref: number): { esmClass: number; parts: Segment[] } {
  if (concat === 'payload') {
    return { esmClass: 0, parts: [{ shortMessage: new Uint8Array(0), tlvs: [{ tag: TLV_MESSAGE_PAYLOAD, value: whole }] }] };
  }
  const total = chunks.length;
  if (concat === 'sar') {
    const refOctets = Uint8Array.of(ref >>> 8, ref & 0xff);
    const parts = chunks.map((c, i) => ({
      shortMessage: c,
      tlvs: [
        { tag: TLV_SAR_MSG_REF_NUM, value: refOctets },
        { tag: TLV_SAR_TOTAL_SEGMENTS, value: Uint8Array.of(total) },
        { tag: TLV_SAR_SEGMENT_SEQNUM, value: Uint8Array.of(i + 1) },
      ],
    }));
    return { esmClass: 0, parts };
  }
  const wide = concat === 'udh16';
  const parts = chunks.map((c, i) => {
    const udh = wide
      ? [0x06, 0x08, 0x04, ref >>> 8, ref & 0xff, total, i + 1]
      : [0x05, 0x00, 0x03, ref, total, i + 1];
    const sm = new Uint8Array(udh.length + c.length);
    sm.set(udh, 0);
    sm.set(c, udh.length);
    return { shortMessage: sm };
  });
  return { esmClass: ESM_UDHI, parts };
}

/** Greedy split at character boundaries; the last part keeps `reserve` octets free. */
function split(octets: Uint8Array, alphabet: Alphabet, perPart: number, reserve: number): Uint8Array[] {
  const bounds: number[] = [0];
  let start = 0;
  while (octets.length - start > perPart) {
    let end = start + perPart;
    end = backOff(octets, alphabet, start, end);
    bounds.push(end);
    start = end;
  }
  // The carrier's own signature goes after the last part: make room by moving the tail on.
  if (reserve > 0 && octets.length - start + reserve > perPart) {
    let keep = Math.max(start + unit(alphabet), octets.length - (perPart - reserve));
    // Inside a pair: move forward (a backward move would overfill the last part).
    if (backOff(octets, alphabet, start, keep) !== keep) keep += unit(alphabet);
    bounds.push(Math.min(keep, octets.length));
  }
  bounds.push(octets.length);
  const out: Uint8Array[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) if (bounds[i + 1] > bounds[i]) out.push(octets.subarray(bounds[i], bounds[i + 1]));
  return out;
}

function unit(alphabet: Alphabet): number {
  return alphabet === 'gsm' ? 1 : 2;
}

/** Moves `end` back so it never falls inside an escape sequence or a surrogate pair. */
function backOff(octets: Uint8Array, alphabet: Alphabet, start: number, end: number): number {
  if (alphabet === 'gsm') {
    // Count the run of escapes before `end`: an odd run means `end` splits an escape from its septet.
    let run = 0;
    for (let i = end - 1; i >= start && octets[i] === GSM_ESCAPE; i--) run++;
    return run % 2 === 1 ? end - 1 : end;
  }
  return isHighSurrogateAt(octets, end - 2) ? end - 2 : end;
}
