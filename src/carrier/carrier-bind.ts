/**
 * One bind slot of a channel: keeps a session open (a new session of the channel's protocol per connect,
 * reconnecting with backoff), paces its writes (per-bind rate), pauses after throttling answers and halves
 * its window while the peer answers slowly. Answers are read by the session's protocol (`classify`).
 */
import type { Logger } from 'pino';
import type { ChannelConfig } from '../config/types.js';
import type { Protocol } from '../types.js';
import type { InboundRequest, RequestItem, RequestOutcome } from '../session/outcome.js';
import type { SessionCore } from '../session/core.js';
import type { ResultClass } from '../session/protocol.js';
import { backoffDelayMs } from './backoff.js';
import { RateLimiter } from './rate-limiter.js';
import { openSession, type BindRole } from './session-factory.js';

export type { BindRole } from './session-factory.js';

/** A part's outcome as a channel hands it back: where it went, and (for an answer) what its status means. */
/**
 * A part's outcome on its channel; a response also carries what its protocol makes of the status: its
 * class, its wording for an event, and whether it says the number does not exist (undefined: by config).
 */
export type ChannelOutcome = RequestOutcome & {
  channel: string; protocol?: Protocol; resultClass?: ResultClass; statusText?: string; badDestination?: boolean;
};

export interface BindHooks {
  up(bind: CarrierBind): void;
  down(bind: CarrierBind, reason: string): void;
  deliver(bind: CarrierBind, req: InboundRequest): void;
  badPdu(bind: CarrierBind, reason: string): void;
  throttled(bind: CarrierBind, status: number, pauseMs: number): void;
  /** Every answer to a part, as its protocol classes it (failover counts them). */
  answered(bind: CarrierBind, cls: ResultClass): void;
  reconnect(bind: CarrierBind, attempt: number, delayMs: number): void;
  free(): void;
}

/** Weight of the newest latency in the moving average that decides "slow". */
const LATENCY_EWMA_WEIGHT = 0.2;

export class CarrierBind {
  readonly name: string;
  readonly limiter: RateLimiter;
  private session: SessionCore | null = null;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  private wasUp = false;
  private pausedUntilMs = 0;
  private pauseStartedAtMs = -Infinity;
  private throttleStreak = 0;
  private latencyEwmaMs = 0;
  private slow = false;

  constructor(
    private readonly cfg: ChannelConfig,
    readonly role: BindRole,
    index: number,
    rate: { bindTps: number; rateWindowMs: number },
    private readonly hooks: BindHooks,
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly random: () => number = Math.random,
  ) {
    this.name = `${cfg.name}/${role === 'transceiver' ? 'trx' : role === 'transmitter' ? 'tx' : 'rx'}${index}`;
    this.limiter = new RateLimiter(rate.bindTps, now, rate.rateWindowMs);
  }

  /** The channel this bind belongs to. */
  get channel(): string {
    return this.cfg.name;
  }
  get protocol(): Protocol {
    return this.cfg.protocol;
  }
  get canTransmit(): boolean {
    return this.role !== 'receiver';
  }
  get isUp(): boolean {
    return this.session?.status === 'bound';
  }
  get inFlight(): number {
    return this.session?.inFlight ?? 0;
  }
  /** The window in force: halved while the SMSC is slow (it is already struggling). */
  get effectiveWindow(): number {
    return this.slow ? Math.max(1, Math.ceil(this.cfg.windowSize / 2)) : this.cfg.windowSize;
  }
  get pausedUntil(): number {
    return this.pausedUntilMs;
  }

  /** Parts this bind could write now, before the carrier-wide rate. */
  sendable(): number {
    return Math.min(this.windowFree(), this.limiter.available());
  }

  /** Free window slots, the rate not counted; 0 while the bind cannot send (down, paused). */
  windowFree(): number {
    const s = this.session;
    if (s === null || !this.canTransmit || s.status !== 'bound' || this.now() < this.pausedUntilMs) return 0;
    return Math.max(0, Math.min(s.windowFree, this.effectiveWindow - s.inFlight));
  }

  start(): void {
    this.stopping = false;
    this.connect();
  }

  /**
   * Writes a batch (tokens already checked by the channel), watches every answer and tells `done` of
   * item `i`'s outcome (SessionCore.requestEach: no promise per part, the hot path).
   */
  sendEach(items: RequestItem[], done: (i: number, out: ChannelOutcome) => void): void {
    this.limiter.take(items.length);
    const session = this.session!;
    session.requestEach(items, (i, o) => done(i, this.outcome(session, o)));
  }

  /** A part's outcome as its channel and protocol read it; a response is watched (throttling, latency). */
  private outcome(session: SessionCore, o: RequestOutcome): ChannelOutcome {
    const out = o as ChannelOutcome;
    out.channel = this.cfg.name;
    if (o.kind === 'response') {
      out.protocol = this.cfg.protocol;
      out.resultClass = session.classify(o.status);
      if (out.resultClass !== 'ok') {
        out.statusText = session.describe(o.status);
        out.badDestination = session.badDestination(o.status);
      }
      this.observe(o, out.resultClass);
    }
    return out;
  }

  async close(): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    await this.session?.close('carrier closing');
  }

  private connect(): void {
    const session = openSession(this.cfg, this.role, this.name, this.log);
    this.session = session;
    session.on('deliver', (req: InboundRequest) => this.hooks.deliver(this, req));
    session.on('bad-pdu', ({ reason }: { reason: string }) => this.hooks.badPdu(this, reason));
    session.on('free', () => this.hooks.free());
    session.on('close', ({ reason }: { reason: string }) => this.onClose(session, reason));
    session.open().then(
      () => {
        this.attempt = 0;
        this.wasUp = true;
        this.hooks.up(this);
      },
      (err: Error) => this.log.warn({ bind: this.name, err: err.message }, 'bind failed'),
    );
  }

  private onClose(session: SessionCore, reason: string): void {
    if (session !== this.session) return;
    if (this.wasUp) {
      this.wasUp = false;
      this.hooks.down(this, reason);
    }
    if (this.stopping) return;
    const delayMs = backoffDelayMs(this.attempt, this.cfg.reconnectMinMs, this.cfg.reconnectMaxMs, this.random);
    this.attempt++;
    this.hooks.reconnect(this, this.attempt, delayMs);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopping) this.connect();
    }, delayMs);
  }

  private observe(o: RequestOutcome & { kind: 'response' }, cls: ResultClass): void {
    this.hooks.answered(this, cls);
    if (cls === 'throttled') {
      this.onThrottled(o.status, o.latencyMs);
      return;
    }
    if (cls === 'ok') this.throttleStreak = 0;
    this.latencyEwmaMs += LATENCY_EWMA_WEIGHT * (o.latencyMs - this.latencyEwmaMs);
    const slow = this.latencyEwmaMs > this.cfg.slowResponseMs;
    if (slow !== this.slow) {
      this.slow = slow;
      this.log.warn({ bind: this.name, latencyMs: Math.round(this.latencyEwmaMs), window: this.effectiveWindow }, slow ? 'SMSC slow, window halved' : 'SMSC latency recovered, full window');
      if (!slow) this.hooks.free();
    }
  }

  private onThrottled(status: number, latencyMs: number): void {
    const now = this.now();
    // Answers to requests written before the current pause began belong to the same episode.
    if (now - latencyMs < this.pauseStartedAtMs) return;
    this.throttleStreak++;
    const pauseMs = Math.min(this.cfg.reconnectMaxMs, this.cfg.throttlePauseMs * 2 ** (this.throttleStreak - 1));
    this.pauseStartedAtMs = now;
    this.pausedUntilMs = now + pauseMs;
    this.log.warn({ bind: this.name, status, pauseMs }, 'throttled by the peer, pausing bind');
    this.hooks.throttled(this, status, pauseMs);
  }
}
