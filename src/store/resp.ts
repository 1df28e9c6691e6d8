/**
 * One Redis command as one RESP Buffer: every size first, then a single write. Used by runScript
 * (scripts.ts) for its EVALSHA calls, which carry thousands of arguments per batch.
 *
 * Arguments are encoded as ioredis would send them: strings as UTF-8, Buffers and Uint8Arrays as
 * their bytes, numbers as String(n), except integers past 2^53, written in full (BigInt), not 1e+21.
 */
export type RespArg = string | number | Uint8Array;

/** Leading arguments encoded once (a command name and its fixed arguments), and how many there are. */
export interface RespHead { readonly bytes: Buffer; readonly count: number }

const DOLLAR = 0x24;
const CR = 0x0d;
const LF = 0x0a;
/** Below this length an ASCII string is measured and copied in JS: cheaper than a call into C++. */
const SHORT = 32;

/** Byte lengths of the arguments, from the sizing pass to the writing pass (encoding is synchronous). */
let lens = new Int32Array(1024);

export function respHead(parts: readonly RespArg[]): RespHead {
  const all = encodeCommand({ bytes: Buffer.alloc(0), count: 0 }, parts);
  return { bytes: Buffer.from(all.subarray(3 + digits(parts.length))), count: parts.length };
}

/** `*<n>\r\n`, the head's bulk strings, then one `$<len>\r\n<bytes>\r\n` per argument. */
export function encodeCommand(head: RespHead, args: readonly RespArg[]): Buffer {
  const n = args.length;
  if (lens.length < n) lens = new Int32Array(Math.max(n, lens.length * 2));
  const count = head.count + n;
  let size = 3 + digits(count) + head.bytes.length;
  for (let i = 0; i < n; i++) {
    const a = args[i]!;
    const len = typeof a === 'string' ? stringLength(a)
      : typeof a === 'number' ? numberLength(a)
      : a instanceof Uint8Array ? a.length
      : Buffer.byteLength(otherText(a));
    lens[i] = len;
    size += 5 + digits(len) + len;
  }
  const buf = Buffer.allocUnsafe(size);
  buf[0] = 0x2a; // '*'
  let pos = writeDigits(buf, 1, count);
  buf[pos++] = CR;
  buf[pos++] = LF;
  pos += head.bytes.copy(buf, pos);
  for (let i = 0; i < n; i++) {
    const a = args[i]!;
    const len = lens[i]!;
    buf[pos++] = DOLLAR;
    pos = writeDigits(buf, pos, len);
    buf[pos++] = CR;
    buf[pos++] = LF;
    if (typeof a === 'string') {
      if (len === a.length && len < SHORT) for (let j = 0; j < len; j++) buf[pos + j] = a.charCodeAt(j);
      else buf.write(a, pos, len, 'utf8');
    } else if (typeof a === 'number') {
      if (!Number.isSafeInteger(a)) buf.write(numberText(a), pos, len, 'latin1');
      else if (a < 0) { buf[pos] = 0x2d; writeDigits(buf, pos + 1, -a); } // '-'
      else writeDigits(buf, pos, a);
    } else if (a instanceof Uint8Array) buf.set(a, pos);
    else buf.write(otherText(a), pos, len, 'utf8');
    pos += len;
    buf[pos++] = CR;
    buf[pos++] = LF;
  }
  return buf;
}

/** UTF-8 length; a short ASCII string is measured here, without a call into C++. */
function stringLength(s: string): number {
  const n = s.length;
  if (n >= SHORT) return Buffer.byteLength(s);
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s);
  return n;
}

/** Decimal digits of a non-negative safe integer. */
function digits(n: number): number {
  let d = 1;
  for (let p = 10; n >= p; p *= 10) d++;
  return d;
}

/** Writes a non-negative safe integer at pos; returns the position after it. */
function writeDigits(buf: Buffer, pos: number, n: number): number {
  const end = pos + digits(n);
  let i = end;
  do {
    const r = n % 10;
    buf[--i] = 0x30 + r;
    n = (n - r) / 10;
  } while (n > 0);
  return end;
}

function numberLength(n: number): number {
  if (Number.isSafeInteger(n)) return n < 0 ? 1 + digits(-n) : digits(n);
  return numberText(n).length; // ASCII only: digits, '-', '.', 'e', '+', 'NaN', 'Infinity'
}

function numberText(n: number): string {
  return Number.isInteger(n) ? BigInt(n).toString() : String(n);
}

/** What ioredis sends for anything else (null and undefined as ''); the types rule it out. */
function otherText(a: unknown): string {
  return a === null || a === undefined ? '' : String(a);
}
