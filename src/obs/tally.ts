/**
 * Counts for a two-label counter bumped once per message (submits, responses, receipts), kept as plain
 * numbers and added to the prom-client counter when it is collected: each scrape, and each get().
 * prom-client builds a label key string and two objects on every inc(), 0.14–0.15 µs per call
 * (docs/BENCHMARKS-HISTORY.md, "Eighth round", change 38).
 */
import type client from 'prom-client';

export class CounterTally {
  private readonly pending = new Map<string, Map<string, number>>();

  /** `labelsOf`: labels that follow from the first one (a channel's carrier), added when flushed. */
  constructor(
    private readonly counter: client.Counter<string>,
    private readonly first: string,
    private readonly second: string,
    private readonly labelsOf?: (a: string) => Record<string, string>,
  ) {}

  add(a: string, b: string): void {
    let byB = this.pending.get(a);
    if (byB === undefined) { byB = new Map(); this.pending.set(a, byB); }
    byB.set(b, (byB.get(b) ?? 0) + 1);
  }

  /** Hands the counts to the counter (its `collect`); they are then zero here. */
  flush(): void {
    for (const [a, byB] of this.pending) {
      for (const [b, n] of byB) {
        if (n === 0) continue;
        this.counter.inc({ ...this.labelsOf?.(a), [this.first]: a, [this.second]: b }, n);
        byB.set(b, 0);
      }
    }
  }
}
