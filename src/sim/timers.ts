/** Timers the simulator owns, so close() can clear every one of them. */
export class TimerSet {
  private readonly live = new Set<NodeJS.Timeout>();
  private closed = false;

  later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.live.delete(t);
      fn();
    }, ms);
    this.live.add(t);
  }

  clear(): void {
    this.closed = true;
    for (const t of this.live) clearTimeout(t);
    this.live.clear();
  }
}
