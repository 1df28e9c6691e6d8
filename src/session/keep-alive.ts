/**
 * The keep-alive clock of a session: after idleMs without an inbound byte it asks for a keep-alive request
 * (SMPP enquire_link, CMPP_ACTIVE_TEST). The request's own response deadline (the window's) is what
 * declares the link dead; this only decides when to ask.
 */
export class KeepAlive {
  private timer: NodeJS.Timeout | null = null;
  private lastRxAtMs = 0;

  /** `send`: writes the keep-alive; false when the session no longer sends one (not bound). */
  constructor(private readonly idleMs: number, private readonly send: () => boolean) {}

  /** An inbound byte: the link is alive now. */
  heard(): void {
    this.lastRxAtMs = performance.now();
  }

  start(): void {
    this.arm(this.idleMs);
  }

  /** Idempotent. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      const idleMs = performance.now() - this.lastRxAtMs;
      if (idleMs < this.idleMs) this.arm(this.idleMs - idleMs);
      else if (this.send()) this.arm(this.idleMs);
    }, Math.max(1, delayMs));
  }
}
