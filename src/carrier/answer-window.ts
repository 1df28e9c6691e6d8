/**
 * The answers a channel had in the last `windowMs`, counted in ten buckets (a bucket's worth of answers
 * leaves at once: cheap at any rate, and a tenth of the window is precision enough to judge a share).
 */
import type { ResultClass } from '../session/protocol.js';

const BUCKETS = 10;

export interface AnswerCounts { total: number; permanent: number; throttled: number }

export class AnswerWindow {
  private readonly bucketMs: number;
  private readonly index = new Float64Array(BUCKETS).fill(-1);
  private readonly total = new Uint32Array(BUCKETS);
  private readonly permanent = new Uint32Array(BUCKETS);
  private readonly throttled = new Uint32Array(BUCKETS);

  constructor(windowMs: number) {
    this.bucketMs = Math.max(1, windowMs / BUCKETS);
  }

  add(nowMs: number, cls: ResultClass): void {
    const idx = Math.floor(nowMs / this.bucketMs);
    const b = idx % BUCKETS;
    if (this.index[b] !== idx) {
      this.index[b] = idx;
      this.total[b] = this.permanent[b] = this.throttled[b] = 0;
    }
    this.total[b]!++;
    if (cls === 'permanent') this.permanent[b]!++;
    else if (cls === 'throttled') this.throttled[b]!++;
  }

  counts(nowMs: number): AnswerCounts {
    const oldest = Math.floor(nowMs / this.bucketMs) - BUCKETS + 1;
    const c = { total: 0, permanent: 0, throttled: 0 };
    for (let b = 0; b < BUCKETS; b++) {
      if (this.index[b]! < oldest) continue;
      c.total += this.total[b]!;
      c.permanent += this.permanent[b]!;
      c.throttled += this.throttled[b]!;
    }
    return c;
  }

  /** Forgets every answer: the next judgement is on a fresh window. */
  reset(): void {
    this.index.fill(-1);
  }
}
