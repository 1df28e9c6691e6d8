/**
 * The text of a CMPP Msg_Content by Msg_Fmt (0 ASCII, 8 UCS2, 15 GBK), after its user data header when
 * TP_udhi is 1. Any other format (4 binary, 3 "write to card", 24/25 ...) has no text smppd can know: its
 * octets are read as Latin-1, one character each, and the caller is told (`guessed`).
 */
import type { Concat } from '../types.js';
import { ucs2Decode } from '../text/ucs2.js';
import { splitUdh } from '../text/udh.js';
import { MsgFmt } from './constants.js';

// Made on first use: a Node built without full ICU has no GBK decoder, and only a GBK text needs one.
let gbk: TextDecoder | undefined;

export interface CmppText { text: string; concat?: Concat; guessed?: true }

/** Throws only for GBK on a Node without full ICU (its RangeError says so). */
export function cmppText(content: Uint8Array, msgFmt: number, tpUdhi: number): CmppText {
  const raw = Buffer.from(content.buffer, content.byteOffset, content.length);
  const { body, concat } = tpUdhi === 1 ? splitUdh(raw) : { body: raw, concat: undefined };
  let text: string;
  let guessed = false;
  if (msgFmt === MsgFmt.ucs2) text = ucs2Decode(body);
  else if (msgFmt === MsgFmt.gbk) text = (gbk ??= new TextDecoder('gbk')).decode(body);
  else {
    text = body.toString('latin1'); // ASCII is Latin-1's first half
    guessed = msgFmt !== MsgFmt.ascii;
  }
  const out: CmppText = { text };
  if (concat) out.concat = concat;
  if (guessed) out.guessed = true;
  return out;
}
