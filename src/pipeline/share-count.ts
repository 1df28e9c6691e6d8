/**
 * How many daemons a carrier's TPS is divided by. A count that rises applies at once: a joining daemon's
 * peers give up their share before it sends (lease-keeper.ts). A count that falls applies only `settleMs`
 * after the fall was seen: the daemon that left may have written its whole share in the second before it
 * went, and raising ours sooner would put both in one second at the SMSC.
 */
export class ShareCount {
  private lastSeen: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(public value: number, private readonly settleMs: number, private readonly onChange: (n: number) => void) {
    this.lastSeen = value;
  }

  /** A count of live daemons, as a lease renewal saw it. */
  see(live: number): void {
    if (live >= this.value) {
      this.cancel();
      this.lastSeen = live;
      this.set(live);
      return;
    }
    // A new fall (another daemon gone) restarts the wait: its last second must be past too.
    if (live < this.lastSeen || this.timer === undefined) {
      this.cancel();
      this.timer = setTimeout(() => { this.timer = undefined; this.set(this.lastSeen); }, this.settleMs);
      this.timer.unref();
    }
    this.lastSeen = live;
  }

  close(): void { this.cancel(); }

  private cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private set(n: number): void {
    if (n === this.value) return;
    this.value = n;
    this.onChange(n);
  }
}
