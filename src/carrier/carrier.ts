/**
 * A carrier is the set of its channels (channel.ts). It places each message, all its parts, on one bind of
 * one channel: among the channels now taking traffic, the lowest priority number first, by weight among
 * equal priority (smooth weighted round robin), skipping a channel the message has no bodies for.
 */
import { EventEmitter } from 'node:events';
import pino, { type Logger } from 'pino';
import type { CarrierConfig } from '../config/types.js';
import type { ErrorCode } from '../errors.js';
import type { MessageBodies } from '../types.js';
import type { InboundRequest } from '../session/outcome.js';
import type { BindHooks, CarrierBind, ChannelOutcome } from './carrier-bind.js';
import { Channel } from './channel.js';
import { REDELIVER_LATER } from './session-factory.js';

export type { ChannelOutcome } from './carrier-bind.js';
export type { RequestOutcome, InboundRequest } from '../session/outcome.js';
/** A delivery (receipt or MO) with the carrier and the channel it came in on. */
export type CarrierDeliver = InboundRequest & { carrier: string; channel: string };

export interface CarrierOptions {
  logger?: Logger;
  now?: () => number;
  random?: () => number;
  rateGuardMs?: number;
}

const DEFAULT_RATE_GUARD_MS = 15;

/**
 * Events: 'bind-up', 'bind-down' ({ carrier, channel, bind[, reason] }), 'deliver' (CarrierDeliver), 'bad-pdu',
 * 'throttled' ({ ..., status, pauseMs }), 'reconnect', 'health' ({ carrier, channel, from, to, reason }).
 */
export class Carrier extends EventEmitter {
  readonly name: string;
  /** In priority order (config/channels.ts keeps them so). */
  readonly channels: readonly Channel[];
  private readonly log: Logger;
  private readonly now: () => number;
  private waiters: { keepSlots: number; resolve: () => void }[] = [];
  private wakeTimer: NodeJS.Timeout | null = null;
  private wakeAtMs = Infinity;
  private started = false;
  private closing: Promise<void> | null = null;

  /**
   * @param opts.rateGuardMs added to the one-second rate window (default 15): the SMSC counts on
   *   arrival, so delivery jitter larger than the guard could put two of our windows in one of its seconds.
   *   10 ms measured 501 of 500 in a second at the sink now and then; 15 keeps the average at 500/s.
   */
  constructor(cfg: CarrierConfig, opts: CarrierOptions = {}) {
    super();
    this.name = cfg.name;
    this.now = opts.now ?? (() => performance.now());
    this.log = (opts.logger ?? pino({ level: 'silent' })).child({ carrier: cfg.name });
    const rateWindowMs = 1000 + (opts.rateGuardMs ?? DEFAULT_RATE_GUARD_MS);
    const hooks = this.hooks();
    this.channels = cfg.channels.map((ch) => new Channel(ch, {
      failover: cfg.failover, hooks, log: this.log, now: this.now, random: opts.random, rateWindowMs,
      onHealth: (from, to, reason) => {
        this.emit('health', { carrier: this.name, channel: ch.name, from, to, reason });
        this.poke();
      },
    }));
  }

  start(): void {
    if (this.started || this.closing !== null) return;
    this.started = true;
    for (const c of this.channels) c.start();
  }

  /** Bound sessions that can submit, over every channel. */
  bindsUp(): number {
    let n = 0;
    for (const c of this.channels) n += c.bindsUp();
    return n;
  }

  /**
   * The channels new messages may go to, in priority order: the healthy ones; while none is, those with a
   * bound session (a carrier is never silenced by failover while a line is up: with one channel, failover
   * changes nothing).
   */
  taking(): readonly Channel[] {
    // One channel takes whatever its health (no allocation on the common path).
    if (this.channels.length === 1) return this.channels;
    const healthy = this.channels.filter((c) => c.takesTraffic);
    return healthy.length > 0 ? healthy : this.channels.filter((c) => c.bindsUp() > 0);
  }

  /**
   * Parts that can go on the wire now, over the first priority now taking traffic. keepSlots window slots
   * (all its binds together) are left out: the dispatcher keeps them for OTP. Only window slots are kept,
   * not the rate budget, so a carrier's long-run rate is the same with or without OTP traffic.
   */
  capacity(keepSlots = 0): number {
    const taking = this.taking();
    const first = taking[0]?.priority;
    let cap = 0;
    let free = 0;
    for (const c of taking) {
      if (c.priority !== first) break;
      cap += c.capacity();
      if (keepSlots > 0) free += c.windowFree();
    }
    return keepSlots > 0 ? Math.max(0, Math.min(cap, free - keepSlots)) : cap;
  }

  /** Resolves once capacity(keepSlots) > 0, or at once when the carrier is closing. */
  whenCapacity(keepSlots = 0): Promise<void> {
    if (this.closing !== null || this.capacity(keepSlots) > 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ keepSlots, resolve });
      this.armWake();
    });
  }

  /** This daemon's share of every channel's tps, with `daemons` live on one Redis. */
  shareRate(daemons: number): void {
    for (const c of this.channels) c.shareRate(daemons);
    this.log.info({ daemons, tps: Object.fromEntries(this.channels.map((c) => [c.name, c.limiter.perWindow])) }, 'rate limit changed');
    this.poke();
  }

  /** A reloaded tps for one channel (its daemon share applies). */
  setTps(channel: string, tps: number): void {
    this.channels.find((c) => c.name === channel)?.shareRate(undefined, tps);
    this.poke();
  }

  /**
   * Places and writes each message's parts; `done` hears of message `m`'s part outcomes once all are in
   * (on a later turn, never during this call), all of one channel. A callback, not a promise per message
   * and per part: this is the daemon's hot path.
   */
  sendEach(messages: readonly MessageBodies[], done: (m: number, outcomes: ChannelOutcome[]) => void): void {
    const taking = this.taking();
    const planned = new Map<CarrierBind, number>();
    const left = new Map<Channel, number>(taking.map((c) => [c, c.limiter.available()]));
    const batches = new Map<CarrierBind, { channel: Channel; bodies: Uint8Array[]; spans: number[] }>();
    for (let m = 0; m < messages.length; m++) {
      const msg = messages[m]!;
      const placed = this.place(msg, taking, left, planned);
      if (placed === null) {
        const [code, channel] = this.notPlaced(msg, taking);
        const outs = Array.from({ length: msg.parts }, () => ({ kind: 'not-written', code, channel }) as ChannelOutcome);
        queueMicrotask(() => done(m, outs));
        continue;
      }
      const { channel, bind, bodies } = placed;
      left.set(channel, left.get(channel)! - msg.parts);
      planned.set(bind, (planned.get(bind) ?? 0) + msg.parts);
      let batch = batches.get(bind);
      if (batch === undefined) batches.set(bind, (batch = { channel, bodies: [], spans: [] }));
      // Each message's span in the batch: its index, first part, part count (flat, not a tuple per message).
      batch.spans.push(m, batch.bodies.length, msg.parts);
      for (const body of bodies) batch.bodies.push(body);
    }
    for (const [bind, batch] of batches) {
      const spans = batch.spans;
      // Part i of the batch -> its message (the spans are in part order), or its collector when it has several parts.
      const owner: number[] = new Array(batch.bodies.length);
      let gather: (((k: number, o: ChannelOutcome) => void) | undefined)[] | undefined;
      for (let s = 0; s < spans.length; s += 3) {
        const m = spans[s]!;
        const from = spans[s + 1]!;
        const count = spans[s + 2]!;
        if (count === 1) { owner[from] = m; continue; }
        const outs: ChannelOutcome[] = new Array(count);
        let missing = count;
        const collect = (k: number, o: ChannelOutcome): void => {
          outs[k - from] = o;
          if (--missing === 0) done(m, outs);
        };
        gather ??= new Array(batch.bodies.length);
        for (let k = from; k < from + count; k++) { owner[k] = m; gather[k] = collect; }
      }
      batch.channel.send(bind, batch.bodies, (k, o) => {
        const collect = gather?.[k];
        if (collect === undefined) done(owner[k]!, [o]); else collect(k, o);
      });
    }
  }

  /**
   * Why a message was not placed, and the channel its outcome names: prepared only for channels this daemon
   * does not run (a reload took them away), or the first priority has no bound session or no room.
   */
  private notPlaced(msg: MessageBodies, taking: readonly Channel[]): [ErrorCode, string] {
    if (!this.channels.some((c) => msg.forChannel(c) !== null)) return ['NO_CHANNEL', this.channels[0]!.name];
    const first = taking.filter((c) => c.priority === taking[0]?.priority);
    return [first.every((c) => c.bindsUp() === 0) ? 'NOT_BOUND' : 'WINDOW_FULL', taking[0]?.name ?? this.channels[0]!.name];
  }

  /** Idempotent: stops reconnecting, unbinds and drains every session. */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    if (this.wakeTimer !== null) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve();
    this.closing = Promise.all(this.channels.map((c) => c.close())).then(() => {
      this.log.info('carrier closed');
    });
    return this.closing;
  }

  /**
   * The channel and bind for one message: the first priority among `taking` that has a channel with bodies
   * for it; among that priority's channels with bodies and room, the one smooth weighted round robin names.
   */
  private place(msg: MessageBodies, taking: readonly Channel[], left: Map<Channel, number>, planned: Map<CarrierBind, number>):
    { channel: Channel; bind: CarrierBind; bodies: readonly Uint8Array[] } | null {
    if (taking.length === 1) {
      const c = taking[0]!;
      const bodies = msg.forChannel(c);
      const bind = bodies !== null && left.get(c)! >= msg.parts ? c.pick(msg.parts, planned) : null;
      return bind === null ? null : { channel: c, bind, bodies: bodies! };
    }
    let tier: number | undefined;
    const room: { channel: Channel; bind: CarrierBind; bodies: readonly Uint8Array[] }[] = [];
    for (const c of taking) {
      if (tier !== undefined && c.priority !== tier) break;
      const bodies = msg.forChannel(c);
      if (bodies === null) continue;
      tier = c.priority;
      if (left.get(c)! < msg.parts) continue;
      const bind = c.pick(msg.parts, planned);
      if (bind !== null) room.push({ channel: c, bind, bodies });
    }
    if (room.length === 0) return null;
    if (room.length === 1) return room[0]!;
    let total = 0;
    let best = room[0]!;
    for (const r of room) {
      r.channel.current += r.channel.weight;
      total += r.channel.weight;
      if (r.channel.current > best.channel.current) best = r;
    }
    best.channel.current -= total;
    return best;
  }

  /** Something freed up (window slot, bind up, drain, health): wake waiters if there is capacity now. */
  private poke(): void {
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    const ready: (() => void)[] = [];
    for (const w of this.waiters) if (this.capacity(w.keepSlots) > 0) ready.push(w.resolve); else still.push(w);
    this.waiters = still;
    for (const resolve of ready) resolve();
    if (still.length > 0) this.armWake();
  }

  /** Arms a timer for the next time-driven change: a rate token coming back or a pause ending. */
  private armWake(): void {
    const now = this.now();
    let at = Infinity;
    for (const c of this.channels) at = Math.min(at, c.nextWakeAt(now));
    if (!Number.isFinite(at) || (this.wakeTimer !== null && this.wakeAtMs <= at)) return;
    if (this.wakeTimer !== null) clearTimeout(this.wakeTimer);
    this.wakeAtMs = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      this.wakeAtMs = Infinity;
      this.poke();
    }, Math.max(0, at - now) + 1);
  }

  private hooks(): BindHooks {
    const tag = (b: CarrierBind) => ({ carrier: this.name, channel: b.channel, bind: b.name });
    return {
      up: (b) => {
        this.emit('bind-up', tag(b));
        this.poke();
      },
      down: (b, reason) => this.emit('bind-down', { ...tag(b), reason }),
      deliver: (b, req) => {
        if (this.listenerCount('deliver') === 0) return req.respond(REDELIVER_LATER[b.protocol]);
        this.emit('deliver', Object.assign(req, { carrier: this.name, channel: b.channel }) as CarrierDeliver);
      },
      badPdu: (b, reason) => this.emit('bad-pdu', { ...tag(b), reason }),
      throttled: (b, status, pauseMs) => {
        this.emit('throttled', { ...tag(b), status, pauseMs });
        this.armWake();
      },
      answered: () => undefined,
      reconnect: (b, attempt, delayMs) => this.emit('reconnect', { ...tag(b), attempt, delayMs }),
      free: () => this.poke(),
    };
  }
}
