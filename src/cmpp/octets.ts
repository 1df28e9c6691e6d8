/**
 * Fixed-width fields as CMPP lays them out: Octet Strings are left-aligned and padded with NUL,
 * integers big-endian. The reader never throws: reading past the end marks it short, and the
 * decoder turns that into a refusal of the PDU.
 */

export class OctetWriter {
  readonly buf: Buffer;
  private at = 0;
  constructor(size: number) {
    this.buf = Buffer.alloc(size);
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
   * ASCII text, cut to `width` and NUL-padded (Buffer.alloc already zeroed the rest); one octet per UTF-16
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
  constructor(private readonly buf: Buffer, start: number) {
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
  u8(): number {
    const at = this.take(1);
    return at < 0 ? 0 : this.buf[at];
  }
  u32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : this.buf.readUInt32BE(at);
  }
  /** Text up to the first NUL of a fixed-width field. */
  text(width: number): string {
    const at = this.take(width);
    if (at < 0) return '';
    const field = this.buf.subarray(at, at + width);
    const nul = field.indexOf(0);
    return field.subarray(0, nul < 0 ? width : nul).toString('latin1');
  }
  bytes(n: number): Buffer {
    const at = this.take(n);
    return at < 0 ? Buffer.alloc(0) : Buffer.from(this.buf.subarray(at, at + n));
  }
  get remaining(): number {
    return this.buf.length - this.at;
  }
}
