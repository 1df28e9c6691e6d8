/**
 * Builds the deliver_sm bodies of an MO: GSM 03.38 (data_coding 0, one septet per octet) when every
 * character fits, UCS2 otherwise; long texts as parts with an 8-bit-reference UDH (153 septets /
 * 67 UCS2 units per part, never splitting an escape or a surrogate pair; 3GPP TS 23.040 9.2.3.24.1).
 */
import { gsmEncode } from '../text/gsm.js';

/** GSM septets of one character, or null when it is not in the default alphabet or its extension. */
function septets(ch: string): number[] | null {
  const s = gsmEncode(ch);
  return s === null ? null : [...s];
}

export interface MoPart {
  dataCoding: number;
  esmClass: number;
  shortMessage: Buffer;
}

export function chunk<T>(units: T[][], max: number): T[][] {
  const parts: T[][] = [];
  let cur: T[] = [];
  for (const u of units) {
    if (cur.length + u.length > max) {
      parts.push(cur);
      cur = [];
    }
    cur.push(...u);
  }
  if (cur.length) parts.push(cur);
  return parts;
}

/** The parts of one MO; `ref` is the concatenation reference (0..255). */
export function moParts(text: string, ref: number): MoPart[] {
  const chars = [...text]; // code points: a surrogate pair stays together
  const gsm = chars.map(septets);
  let bodies: Buffer[];
  let dataCoding: number;
  if (gsm.every((s) => s !== null)) {
    dataCoding = 0x00;
    const units = gsm as number[][];
    const total = units.reduce((n, u) => n + u.length, 0);
    bodies = chunk(units, total <= 160 ? 160 : 153).map((p) => Buffer.from(p));
  } else {
    dataCoding = 0x08;
    const units = chars.map((c) => {
      const b = Buffer.from(c, 'utf16le');
      b.swap16();
      return [...b];
    });
    const total = units.reduce((n, u) => n + u.length, 0) / 2;
    bodies = chunk(units, (total <= 70 ? 70 : 67) * 2).map((p) => Buffer.from(p));
  }
  if (bodies.length === 0) bodies = [Buffer.alloc(0)];
  if (bodies.length === 1) return [{ dataCoding, esmClass: 0x00, shortMessage: bodies[0] }];
  return bodies.map((body, i) => ({
    dataCoding,
    esmClass: 0x40,
    shortMessage: Buffer.concat([Buffer.from([0x05, 0x00, 0x03, ref & 0xff, bodies.length, i + 1]), body]),
  }));
}
