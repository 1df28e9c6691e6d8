/**
 * The carrier's rate limit: at most `limit` per window (RateLimiter) AND at most a tenth of it per tenth
 * of the window, so a second's budget goes out in ten slices instead of one burst. Measured at the sink
 * (`npm run bench -- --only rate`, tps 500): one burst put 325–400 submits in 100 ms, and a few ms of
 * arrival jitter between two bursts a window apart then showed as 501–525 in one second at the SMSC;
 * with slices the jitter can only move a slice's edge, not a whole second's budget.
 */
import { RateLimiter } from './rate-limiter.js';

export const SLICES = 10;

export class PacedLimiter {
  private readonly whole: RateLimiter;
  private readonly slice: RateLimiter;

  constructor(limit: number, now: () => number, windowMs = 1010) {
    this.whole = new RateLimiter(limit, now, windowMs);
    this.slice = new RateLimiter(sliceLimit(limit), now, windowMs / SLICES);
  }

  get perWindow(): number { return this.whole.perWindow; }

  available(): number { return Math.min(this.whole.available(), this.slice.available()); }

  take(n: number): void {
    this.whole.take(n);
    this.slice.take(n);
  }

  /** When the next token comes back: the whole window's if it is spent, else the slice's. */
  nextFreeAtMs(): number {
    return this.whole.available() === 0 ? this.whole.nextFreeAtMs() : this.slice.nextFreeAtMs();
  }

  setLimit(limit: number): void {
    this.whole.setLimit(limit);
    this.slice.setLimit(sliceLimit(limit));
  }
}

/**
 * A quarter more than an even share: a slice that started late (timer, claim round trip) can catch up
 * in the next ones, while the whole-window limit still caps every second. With exactly limit/10 the
 * long-run rate measured 480–485 of 500/s; with the headroom see docs/BENCHMARKS-HISTORY.md, "First round".
 */
const SLICE_HEADROOM = 1.25;

function sliceLimit(limit: number): number {
  return limit <= 0 ? 0 : Math.max(1, Math.ceil((limit * SLICE_HEADROOM) / SLICES));
}
