/**
 * Whole frames out of a session's byte stream (the Framer), with a deadline on every frame once begun.
 * Every byte counts as traffic (no keep-alive is sent meanwhile), so a peer that trickles a frame byte by
 * byte would otherwise keep the session "bound" while nothing it owes us ever arrives.
 */
import { Framer } from '../smpp/framer.js';

export class FrameReader {
  private readonly framer: Framer;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    maxPduBytes: number,
    headerBytes: number,
    private readonly frameTimeoutMs: number,
    private readonly onFrame: (frame: Buffer) => void,
    private readonly onFail: (reason: string) => void,
  ) {
    this.framer = new Framer(maxPduBytes, headerBytes);
  }

  push(chunk: Buffer): void {
    const framesBefore = this.framer.framesCut;
    const failure = this.framer.push(chunk, this.onFrame);
    if (failure !== null) this.onFail(failure);
    else this.watch(this.framer.framesCut !== framesBefore);
  }

  /** Idempotent: no more frames, no deadline. */
  stop(): void {
    this.framer.stop();
    this.clear();
  }

  /** `newFrame`: frames ended in this chunk, so what is held began anew and gets a fresh deadline. */
  private watch(newFrame: boolean): void {
    if (this.framer.bufferedBytes === 0) {
      this.clear();
      return;
    }
    if (this.timer !== null && !newFrame) return;
    this.clear();
    const limitMs = this.frameTimeoutMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onFail(`partial frame: ${this.framer.bufferedBytes} bytes held, the rest not within ${limitMs} ms`);
    }, limitMs);
  }

  private clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
