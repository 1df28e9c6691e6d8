/**
 * Cuts a socket byte stream into whole PDUs by command_length (SMPP; CMPP's Total_Length is the
 * same leading 4-octet length, so one framer serves both). A length below the header size or
 * above the configured maximum cannot be resynchronised (SMPP has no frame marker), so it is fatal:
 * the framer stops and the session closes with BAD_PDU.
 */
import { HEADER_BYTES } from './pdu-header.js';

/** 64 KiB: far above any legitimate submit/deliver (message_payload tops out near 64 KiB). */
export const DEFAULT_MAX_PDU_BYTES = 64 * 1024;

export class Framer {
  readonly maxPduBytes: number;
  /** The smallest valid length: the protocol's header (16 for SMPP, 12 for CMPP). */
  readonly minPduBytes: number;
  private pending: Buffer | null = null;
  private failure: string | null = null;
  private stopped = false;
  /** Whole frames handed out so far: a caller tells from it whether what is held began anew. */
  framesCut = 0;

  constructor(maxPduBytes = DEFAULT_MAX_PDU_BYTES, minPduBytes = HEADER_BYTES) {
    this.maxPduBytes = maxPduBytes;
    this.minPduBytes = minPduBytes;
  }

  /** Bytes held while waiting for the rest of a PDU. */
  get bufferedBytes(): number {
    return this.pending?.length ?? 0;
  }

  /** Stops delivering frames (the session closed mid-chunk). */
  stop(): void {
    this.stopped = true;
    this.pending = null;
  }

  /**
   * Feeds a chunk; `onFrame` gets each whole PDU (a view into the chunk, valid until it returns or
   * longer: callers keep it only as long as they need). Returns a framing error, or null.
   */
  push(chunk: Buffer, onFrame: (pdu: Buffer) => void): string | null {
    if (this.failure !== null) return this.failure;
    if (this.stopped) return null;
    const buf = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = null;
    let offset = 0;
    while (!this.stopped && buf.length - offset >= 4) {
      const length = buf.readUInt32BE(offset);
      if (length < this.minPduBytes || length > this.maxPduBytes) {
        this.failure = `command_length ${length} outside ${this.minPduBytes}..${this.maxPduBytes}`;
        this.stopped = true;
        return this.failure;
      }
      if (buf.length - offset < length) break;
      this.framesCut++;
      onFrame(buf.subarray(offset, offset + length));
      offset += length;
    }
    if (!this.stopped && offset < buf.length) {
      // Copy the tail so a large socket chunk is not kept alive by a few pending bytes.
      this.pending = Buffer.from(buf.subarray(offset));
    }
    return null;
  }
}
