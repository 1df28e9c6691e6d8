/**
 * The user data header of a short message (3GPP TS 23.040 §9.2.3.24), as SMPP (esm_class 0x40) and CMPP
 * (TP_udhi 1) both carry it ahead of the text: UDHL, then information elements. Only concatenation is read.
 */
import type { Concat } from '../types.js';

/** Splits a UDH off octets and reads 8-bit (IEI 0x00) or 16-bit (IEI 0x08) concatenation. */
export function splitUdh(octets: Buffer): { body: Buffer; concat?: Concat } {
  if (octets.length === 0) return { body: octets };
  const udhl = octets[0];
  const body = octets.subarray(Math.min(1 + udhl, octets.length));
  return { body, concat: concatFromIes(octets.subarray(1, 1 + udhl)) };
}

/** Concatenation from information elements (a UDH without its UDHL); undefined when none is there. */
export function concatFromIes(ies: Buffer): Concat | undefined {
  let at = 0;
  while (at + 2 <= ies.length) {
    const iei = ies[at];
    const len = ies[at + 1];
    const d = ies.subarray(at + 2, at + 2 + len);
    if (iei === 0x00 && len === 3 && d.length === 3) return { ref: d[0], total: d[1], seq: d[2] };
    if (iei === 0x08 && len === 4 && d.length === 4) return { ref: d.readUInt16BE(0), total: d[2], seq: d[3] };
    at += 2 + len;
  }
  return undefined;
}
