/**
 * Text of CMPP messages as the simulated ISMG writes it (a SUBMIT's Msg_Content is read by
 * src/cmpp/text.ts, as smppd reads an MO's). An MO goes out as ASCII
 * (Msg_Fmt 0) when every character is, UCS2 (8) otherwise; longer than one 140-octet SMS, as parts of
 * 134 octets behind a 6-octet UDH with an 8-bit reference (never splitting a surrogate pair).
 */
import { MsgFmt } from '../cmpp/constants.js';
import { ucs2Encode } from '../text/ucs2.js';
import { chunk } from './mo-parts.js';

const SMS_OCTETS = 140;
const UDH_OCTETS = 6;

export interface CmppMoPart {
  msgFmt: number;
  tpUdhi: number;
  content: Buffer;
}

/** The parts of one MO; `ref` is the concatenation reference (0..255). */
export function cmppMoParts(text: string, ref: number): CmppMoPart[] {
  const chars = [...text]; // code points: a surrogate pair stays in one part
  const ascii = chars.every((c) => c.charCodeAt(0) < 0x80);
  const msgFmt = ascii ? MsgFmt.ascii : MsgFmt.ucs2;
  const units = chars.map((c) => (ascii ? [c.charCodeAt(0)] : [...ucs2Encode(c)]));
  const total = units.reduce((n, u) => n + u.length, 0);
  const bodies = total <= SMS_OCTETS ? [units.flat()] : chunk(units, SMS_OCTETS - UDH_OCTETS);
  if (bodies.length === 1) return [{ msgFmt, tpUdhi: 0, content: Buffer.from(bodies[0]) }];
  return bodies.map((body, i) => ({
    msgFmt,
    tpUdhi: 1,
    content: Buffer.concat([Buffer.from([0x05, 0x00, 0x03, ref & 0xff, bodies.length, i + 1]), Buffer.from(body)]),
  }));
}
