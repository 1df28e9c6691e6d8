/**
 * Whether Redis answers, not only whether its connection is up. A server that hangs (a long script,
 * DEBUG SLEEP, a fork stalling on a full disk) keeps the TCP connection "ready" while nothing it is
 * sent comes back; /readyz must say so. A PING every `everyMs` on the connection the store uses: one
 * unanswered for longer than `boundMs` makes `silentMs` non-zero.
 */
import type { Redis } from 'ioredis';

/** Two seconds: far above a healthy PING (well under a millisecond) or a slow script, short enough for a load balancer. */
export const REDIS_ANSWER_BOUND_MS = 2000;
const PROBE_EVERY_MS = 500;

export class RedisProbe {
  private timer: NodeJS.Timeout | null = null;
  private sentAtMs: number | null = null; // a PING not yet answered, sent at

  constructor(
    private readonly redis: Redis,
    private readonly boundMs = REDIS_ANSWER_BOUND_MS,
    private readonly everyMs = PROBE_EVERY_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.ping(), this.everyMs);
    this.timer.unref();
  }

  /** Idempotent. */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.sentAtMs = null;
  }

  /** How long the oldest PING has gone unanswered, once that exceeds the bound; 0 while Redis answers. */
  get silentMs(): number {
    if (this.sentAtMs === null) return 0;
    const waited = this.now() - this.sentAtMs;
    return waited > this.boundMs ? Math.round(waited) : 0;
  }

  private ping(): void {
    if (this.sentAtMs !== null) return; // still waiting: one PING at a time measures the wait
    // A connection that is down is reported by its status; a PING queued on it would only add noise.
    if (this.redis.status !== 'ready') return;
    const sentAtMs = this.now();
    this.sentAtMs = sentAtMs;
    const done = (): void => {
      if (this.sentAtMs === sentAtMs) this.sentAtMs = null;
    };
    this.redis.ping().then(done, done);
  }
}
