/**
 * Whether a channel takes new messages (docs/CHANNELS.md, "Failover"). It stops when it has had no bound
 * session for `afterMs`, or when, with at least `minAnswers` answers in the last `windowMs`, the share of
 * permanent refusals or of throttling answers passes its maximum. It takes traffic again when a session
 * binds (after `unbound`), or after `windowMs` on a fresh window (after a share): answers still past the
 * limit then fail it again. Every change goes through set(), which logs `from -> to` with the reason.
 */
import type { Logger } from 'pino';
import type { FailoverConfig } from '../config/types.js';
import type { ResultClass } from '../session/protocol.js';
import { AnswerWindow } from './answer-window.js';

export type HealthStatus = 'healthy' | 'unbound' | 'refusing' | 'throttled';
export const HEALTH_STATUSES: readonly HealthStatus[] = ['healthy', 'unbound', 'refusing', 'throttled'];

export type HealthChange = (from: HealthStatus, to: HealthStatus, reason: string) => void;

export class ChannelHealth {
  status: HealthStatus = 'healthy';
  private readonly answers: AnswerWindow;
  private bound = false;
  private unboundTimer: NodeJS.Timeout | null = null;
  private freshTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly cfg: FailoverConfig,
    private readonly now: () => number,
    private readonly log: Logger,
    private readonly onChange: HealthChange,
  ) {
    this.answers = new AnswerWindow(cfg.windowMs);
  }

  get takesTraffic(): boolean {
    return this.status === 'healthy';
  }

  /** The channel starts with no session bound: the clock of `afterMs` runs from here. */
  start(): void {
    if (!this.bound) this.armUnbound();
  }

  /** A session bound (`someUp`) or the last one went down. */
  sessions(someUp: boolean): void {
    if (this.closed || someUp === this.bound) return;
    this.bound = someUp;
    if (someUp) {
      this.clear('unbound');
      if (this.status === 'unbound') this.set('healthy', 'a session bound');
    } else {
      this.armUnbound();
    }
  }

  answered(cls: ResultClass): void {
    const now = this.now();
    this.answers.add(now, cls);
    if (this.status !== 'healthy') return;
    const { total, permanent, throttled } = this.answers.counts(now);
    if (total < this.cfg.minAnswers) return;
    if (permanent / total > this.cfg.maxPermanentShare) {
      this.fail('refusing', `${permanent} of ${total} answers in the last ${this.cfg.windowMs} ms refused permanently (above ${this.cfg.maxPermanentShare})`);
    } else if (throttled / total > this.cfg.maxThrottleShare) {
      this.fail('throttled', `${throttled} of ${total} answers in the last ${this.cfg.windowMs} ms throttled (above ${this.cfg.maxThrottleShare})`);
    }
  }

  close(): void {
    this.closed = true;
    this.clear('unbound');
    this.clear('fresh');
  }

  /** Failed on a share: back after a fresh window, unless no session is bound by then. */
  private fail(to: 'refusing' | 'throttled', reason: string): void {
    this.set(to, reason);
    this.clear('fresh');
    this.freshTimer = setTimeout(() => {
      this.freshTimer = null;
      this.answers.reset();
      if (this.bound || this.unboundTimer !== null) this.set('healthy', `a fresh ${this.cfg.windowMs} ms window begins`);
      else this.set('unbound', `no bound session for ${this.cfg.afterMs} ms`);
    }, this.cfg.windowMs);
  }

  private armUnbound(): void {
    this.clear('unbound');
    this.unboundTimer = setTimeout(() => {
      this.unboundTimer = null;
      // A share's verdict stands until its fresh window; the missing session shows once that ends.
      if (this.status === 'healthy') this.set('unbound', `no bound session for ${this.cfg.afterMs} ms`);
    }, this.cfg.afterMs);
  }

  private clear(which: 'unbound' | 'fresh'): void {
    const t = which === 'unbound' ? this.unboundTimer : this.freshTimer;
    if (t !== null) clearTimeout(t);
    if (which === 'unbound') this.unboundTimer = null; else this.freshTimer = null;
  }

  private set(to: HealthStatus, reason: string): void {
    if (this.closed || to === this.status) return;
    const from = this.status;
    this.status = to;
    this.log[to === 'healthy' ? 'info' : 'warn']({ reason }, `channel ${from} -> ${to}`);
    this.onChange(from, to, reason);
  }
}
