/**
 * Concatenation reference numbers, rotating per destination so that two long messages to the same
 * handset in flight at once never share a reference (the handset would merge their parts).
 * One instance per worker thread; bounded so a long-running worker does not grow without limit.
 */
export class ConcatRefs {
  private readonly lastByDest = new Map<string, number>();
  private readonly maxDestinations: number;
  private readonly random: () => number;

  constructor(opts: { maxDestinations?: number; random?: () => number } = {}) {
    this.maxDestinations = opts.maxDestinations ?? 10_000;
    this.random = opts.random ?? Math.random;
  }

  /** Next reference for `dest`, in 0..(2^bits - 1). The first one per destination is random. */
  next(dest: string, bits: 8 | 16): number {
    const mod = bits === 8 ? 0x100 : 0x10000;
    const last = this.lastByDest.get(dest);
    const ref = last === undefined ? Math.floor(this.random() * 0x10000) : (last + 1) & 0xffff;
    // Re-insert so the Map's insertion order is least-recently-used first.
    this.lastByDest.delete(dest);
    this.lastByDest.set(dest, ref);
    if (this.lastByDest.size > this.maxDestinations) {
      const oldest = this.lastByDest.keys().next().value;
      if (oldest !== undefined) this.lastByDest.delete(oldest);
    }
    return ref % mod;
  }

  get size(): number {
    return this.lastByDest.size;
  }
}
