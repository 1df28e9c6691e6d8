/**
 * Fixed-width fields as CMPP lays them out: Octet Strings are left-aligned and padded with NUL,
 * integers big-endian. The reader never throws: reading past the end marks it short, and the
 * decoder turns that into a refusal of the PDU.
 */

export class OctetWriter {
  readonly buf: Buffer;
  private at = 0;
  constructor(size: number) {
    // From Node's shared pool (a PDU is far below its 4 KiB cut-off), zeroed for the padding: Buffer.alloc
    // made an ArrayBuffer of its own for every PDU (BENCHMARKS-HISTORY.md, "Twelfth round", change 47).
    this.buf = Buffer.allocUnsafe(size).fill(0);
  }
  u8(v: number): this {
    this.buf[this.at++] = v & 0xff;
    return this;
  }
  u32(v: number): this {
    this.buf.writeUInt32BE(v >>> 0, this.at);
    this.at += 4;
    return this;
  }
  /**
   * ASCII text, cut to `width` and NUL-padded (the constructor zeroed the rest); one octet per UTF-16
   * unit as latin1 writes it. A loop: the fields are short, and Buffer.write costs more than it saves.
   */
  text(v: string, width: number): this {
    const n = Math.min(v.length, width);
    for (let i = 0; i < n; i++) this.buf[this.at + i] = v.charCodeAt(i) & 0xff;
    this.at += width;
    return this;
  }
  bytes(v: Uint8Array, width = v.length): this {
    this.buf.set(v.subarray(0, width), this.at);
    this.at += width;
    return this;
  }
  get offset(): number {
    return this.at;
  }
}

export class OctetReader {
  private at: number;
  short = false;
  constructor(readonly buf: Buffer, start: number) {
    this.at = start;
  }
  private take(n: number): number {
    const at = this.at;
    if (at + n > this.buf.length) {
      this.short = true;
      this.at = this.buf.length;
      return -1;
    }
    this.at += n;
    return at;
  }
  /** The offset in `buf` of the next `n` octets, passed over: read there in place. -1 when short. */
  skip(n: number): number {
    return this.take(n);
  }
  u8(): number {
    const at = this.take(1);
    return at < 0 ? 0 : this.buf[at];
  }
  u32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : this.buf.readUInt32BE(at);
  }
  /**
   * Text up to the first NUL of a fixed-width field. Read in place, no view made: a receipt has eight such
   * fields (BENCHMARKS-HISTORY.md, "Twelfth round", change 46).
   */
  text(width: number): string {
    const at = this.take(width);
    if (at < 0) return '';
    const buf = this.buf;
    let end = at;
    while (end < at + width && buf[end] !== 0) end++;
    return end === at ? '' : buf.toString('latin1', at, end);
  }
  /** A copy of the next `n` octets: the frame they came in is a view of a socket chunk, not kept. */
  bytes(n: number): Buffer {
    const at = this.take(n);
    if (at < 0) return Buffer.alloc(0);
    const out = Buffer.allocUnsafe(n);
    this.buf.copy(out, 0, at, at + n);
    return out;
  }
  get remaining(): number {
    return this.buf.length - this.at;
  }
}
