/** UCS2 as SMSCs take it for data_coding 0x08: UTF-16BE, a surrogate pair is two units. */

/** UTF-16BE octets of `text` (2 per code unit). */
export function ucs2Encode(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0, o = 0; i < text.length; i++, o += 2) {
    const u = text.charCodeAt(i);
    out[o] = u >>> 8;
    out[o + 1] = u & 0xff;
  }
  return out;
}

export function ucs2Decode(octets: Uint8Array): string {
  let s = '';
  for (let i = 0; i + 1 < octets.length; i += 2) s += String.fromCharCode((octets[i] << 8) | octets[i + 1]);
  return s;
}

/** True when the octet pair at `offset` is a high surrogate (the first unit of a pair). */
export function isHighSurrogateAt(octets: Uint8Array, offset: number): boolean {
  return (octets[offset] & 0xfc) === 0xd8;
}
