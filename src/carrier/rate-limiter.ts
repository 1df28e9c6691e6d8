/**
 * Per-second rate limit that holds over EVERY one-second window, not just on average: a token spent
 * at time t comes back at t + windowMs. A classic refilling bucket lets through a full bucket plus a
 * second's refill inside one second (2x the limit); this one cannot, including the first second.
 * Cost: a ring of `limit` timestamps.
 */
export class RateLimiter {
  private stamps: Float64Array;
  private head = 0; // index of the oldest stamp
  private count = 0;

  /**
   * @param limit tokens per window (tps)
   * @param windowMs 1000 plus a guard: the SMSC counts on arrival, so jitter between our write and its
   *   clock must not let two of our windows overlap one of its seconds (see Carrier's rateGuardMs).
   */
  constructor(
    private limit: number,
    private readonly now: () => number,
    readonly windowMs = 1010,
  ) {
    this.limit = Math.max(0, Math.floor(limit));
    this.stamps = new Float64Array(Math.max(1, this.limit));
  }

  get perWindow(): number {
    return this.limit;
  }

  /** Tokens that may be spent right now. */
  available(): number {
    this.expire(this.now());
    return this.limit - this.count;
  }

  /** Spends n tokens (callers check available() first; extra spends are clamped to the limit). */
  take(n: number): void {
    const t = this.now();
    this.expire(t);
    for (let i = 0; i < n && this.count < this.limit; i++) {
      this.stamps[(this.head + this.count) % this.stamps.length] = t;
      this.count++;
    }
  }

  /** When the next token comes back (Infinity if none is out or the limit is 0). */
  nextFreeAtMs(): number {
    if (this.count === 0 || this.limit === 0) return Infinity;
    return this.stamps[this.head]! + this.windowMs;
  }

  /** Changes the limit live, keeping the most recent spends so the change cannot open a burst. */
  setLimit(limit: number): void {
    const next = Math.max(0, Math.floor(limit));
    const keep = Math.min(this.count, next);
    const stamps = new Float64Array(Math.max(1, next));
    for (let i = 0; i < keep; i++) stamps[i] = this.stamps[(this.head + this.count - keep + i) % this.stamps.length]!;
    this.stamps = stamps;
    this.head = 0;
    this.count = keep;
    this.limit = next;
  }

  private expire(t: number): void {
    while (this.count > 0 && this.stamps[this.head]! + this.windowMs <= t) {
      this.head = (this.head + 1) % this.stamps.length;
      this.count--;
    }
  }
}
