/**
 * GSM 03.38 default alphabet and its extension table (3GPP TS 23.038 §6.2.1).
 * Output is unpacked: one septet per octet, which is what data_coding 0x00 means to most SMSCs.
 */

// Index = septet value. 0x1B is the escape to the extension table, never a character of its own.
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** Extension table: character -> septet sent after 0x1B (each costs 2 septets). */
const EXTENSION: ReadonlyArray<[string, number]> = [
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
];

export const GSM_ESCAPE = 0x1b;

// Lookup by UTF-16 code unit: -1 = not GSM, 0..127 = basic septet, 0x100 | s = escape + s.
const LOOKUP = new Map<number, number>();
for (let i = 0; i < BASIC.length; i++) if (i !== GSM_ESCAPE) LOOKUP.set(BASIC.charCodeAt(i), i);
for (const [ch, septet] of EXTENSION) LOOKUP.set(ch.charCodeAt(0), 0x100 | septet);

// Dense table for the ASCII range, the common case (Latin text is mostly 0x20..0x7e).
const ASCII = new Int16Array(128).fill(-1);
for (let c = 0; c < 128; c++) ASCII[c] = LOOKUP.get(c) ?? -1;

function septetOf(code: number): number {
  return code < 128 ? ASCII[code] : (LOOKUP.get(code) ?? -1);
}

/** Septets the UTF-16 code unit `code` takes: 1, 2 (an extension character), or -1 when it is not GSM. */
export function gsmSeptetsOf(code: number): number {
  const s = septetOf(code);
  return s < 0 ? -1 : s > 0xff ? 2 : 1;
}

/** True when every character of `text` is in the default alphabet or its extension table. */
export function isGsm(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (septetOf(text.charCodeAt(i)) < 0) return false;
  return true;
}

/** Septets `text` takes (extension characters count 2), or -1 when it is not GSM. */
export function gsmSeptetLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const s = septetOf(text.charCodeAt(i));
    if (s < 0) return -1;
    n += s > 0xff ? 2 : 1;
  }
  return n;
}

/** Unpacked septets of `text`, or null when any character does not fit (never a silent substitute). */
export function gsmEncode(text: string): Uint8Array | null {
  const n = gsmSeptetLength(text);
  if (n < 0) return null;
  const out = new Uint8Array(n);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const s = septetOf(text.charCodeAt(i));
    if (s > 0xff) {
      out[o++] = GSM_ESCAPE;
      out[o++] = s & 0x7f;
    } else out[o++] = s;
  }
  return out;
}

// Decoding by septet: the extension table indexed by the septet after 0x1B.
const EXTENSION_BY_SEPTET = new Map<number, string>(EXTENSION.map(([ch, septet]) => [septet, ch]));

/**
 * Text of unpacked septets (one per octet, SMPP data_coding 0; the inverse of gsmEncode). 3GPP TS 23.038
 * §6.2.1.1: an unknown extension code shows the default-table character, an escape twice a space; a
 * trailing escape carries no character.
 */
export function gsmDecode(octets: Uint8Array): string {
  let out = '';
  for (let i = 0; i < octets.length; i++) {
    const septet = octets[i] & 0x7f;
    if (septet !== GSM_ESCAPE) {
      out += BASIC[septet];
      continue;
    }
    const next = octets[i + 1];
    if (next === undefined) break;
    i++;
    out += EXTENSION_BY_SEPTET.get(next & 0x7f) ?? ((next & 0x7f) === GSM_ESCAPE ? ' ' : BASIC[next & 0x7f]);
  }
  return out;
}
