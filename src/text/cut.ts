/**
 * One cut of a text for every channel of a carrier: each channel encodes the whole message its own way
 * (GSM 03.38 or UCS2 for SMPP, ASCII or UCS2 for CMPP), and the text is cut at character boundaries
 * so that every part fits every channel's budget. The message then has the same part count on each
 * channel, which receipts, rates and the queue count by.
 */
import { gsmSeptetsOf } from './gsm.js';

/** How a channel encodes text: unpacked GSM septets, ASCII octets, or UCS2 (2 octets per UTF-16 unit). */
export type TextEncoding = 'gsm' | 'ascii' | 'ucs2';

/** What one channel's part holds, in octets of its encoding: alone, or as one of several (after its UDH). */
export interface Budget {
  encoding: TextEncoding;
  single: number;
  perPart: number;
}

/** True when every character of `text` is ASCII (CMPP Msg_Fmt 0). */
export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

function octetsOf(encoding: TextEncoding, code: number): number {
  return encoding === 'gsm' ? gsmSeptetsOf(code) : encoding === 'ascii' ? 1 : 2;
}

/** Code units of the character at `i`: 2 for a surrogate pair (never split), else 1. */
function widthAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
}

/** Code units of the character that ends at `end`. */
function widthBefore(text: string, end: number): number {
  const c = text.charCodeAt(end - 1);
  return c >= 0xdc00 && c <= 0xdfff && end >= 2 && widthAt(text, end - 2) === 2 ? 2 : 1;
}

function cost(budgets: readonly Budget[], text: string, from: number, to: number, out: number[]): void {
  for (let k = 0; k < budgets.length; k++) {
    let n = 0;
    for (let i = from; i < to; i++) n += octetsOf(budgets[k]!.encoding, text.charCodeAt(i));
    out[k] = n;
  }
}

/**
 * The text boundaries of the parts, [0, …, text.length], each part fitting every budget; `reserve`
 * characters the carrier appends itself stay free in the single or the last part. Greedy, as
 * segment.ts's split is for one encoding. 'TOO_MANY_PARTS' beyond `maxParts` or 255.
 */
export function cutText(text: string, budgets: readonly Budget[], reserve: number, maxParts: number): number[] | 'TOO_MANY_PARTS' {
  const k = budgets.length;
  const reserveOf = budgets.map((b) => reserve * (b.encoding === 'ucs2' ? 2 : 1));
  const total: number[] = new Array(k);
  cost(budgets, text, 0, text.length, total);
  if (budgets.every((b, j) => total[j]! + reserveOf[j]! <= b.single)) return [0, text.length];

  const bounds = [0];
  const left = total.slice();
  let start = 0;
  const step: number[] = new Array(k);
  while (budgets.some((b, j) => left[j]! > b.perPart)) {
    const used = new Array<number>(k).fill(0);
    let i = start;
    while (i < text.length) {
      const w = widthAt(text, i);
      cost(budgets, text, i, i + w, step);
      if (budgets.some((b, j) => used[j]! + step[j]! > b.perPart)) break;
      for (let j = 0; j < k; j++) used[j]! += step[j]!;
      i += w;
    }
    if (i === start) i += widthAt(text, i); // a character wider than a part: never loop forever
    for (let j = 0; j < k; j++) left[j]! -= used[j]!;
    bounds.push(i);
    start = i;
    if (bounds.length > Math.min(maxParts, 255) + 1) return 'TOO_MANY_PARTS';
  }
  // The carrier's own signature goes after the last part: make room by moving the tail on.
  if (budgets.some((b, j) => left[j]! + reserveOf[j]! > b.perPart)) {
    const tail = new Array<number>(k).fill(0);
    let j = text.length;
    while (j > start) {
      const w = widthBefore(text, j);
      cost(budgets, text, j - w, j, step);
      if (budgets.some((b, x) => tail[x]! + step[x]! + reserveOf[x]! > b.perPart)) break;
      for (let x = 0; x < k; x++) tail[x]! += step[x]!;
      j -= w;
    }
    bounds.push(Math.max(j, start + widthAt(text, start)));
  }
  bounds.push(text.length);
  const out = [0];
  for (let i = 1; i < bounds.length; i++) if (bounds[i]! > out[out.length - 1]!) out.push(bounds[i]!);
  if (out.length - 1 > maxParts || out.length - 1 > 255) return 'TOO_MANY_PARTS';
  return out;
}
