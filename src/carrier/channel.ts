/**
 * One channel of a carrier: its binds (sessions of one protocol to one peer), its own rate (the channel's
 * tps, paced), and its health (channel-health.ts). The carrier decides which channel a message goes to;
 * the channel places it whole on its least-loaded bind.
 */
import type { Logger } from 'pino';
import type { ChannelConfig, FailoverConfig } from '../config/types.js';
import type { Protocol } from '../types.js';
import type { RequestItem } from '../session/outcome.js';
import { CarrierBind, type BindHooks, type BindRole, type ChannelOutcome } from './carrier-bind.js';
import { ChannelHealth, type HealthChange, type HealthStatus } from './channel-health.js';
import { PacedLimiter } from './paced-limiter.js';
import { SUBMIT_COMMAND } from './session-factory.js';

export interface ChannelDeps {
  failover: FailoverConfig;
  hooks: BindHooks;
  onHealth: HealthChange;
  log: Logger;
  now: () => number;
  random?: () => number;
  rateWindowMs: number;
}

export class Channel {
  readonly name: string;
  readonly protocol: Protocol;
  readonly priority: number;
  readonly weight: number;
  readonly cfg: ChannelConfig;
  readonly limiter: PacedLimiter;
  readonly txBinds: CarrierBind[] = [];
  /** Smooth weighted round robin among the channels of one priority (Carrier.choose). */
  current = 0;
  private readonly binds: CarrierBind[] = [];
  private readonly health: ChannelHealth;
  private readonly submitCommand: number;
  private tps: number;
  private daemons = 1;

  constructor(cfg: ChannelConfig, d: ChannelDeps) {
    this.cfg = cfg;
    this.name = cfg.name;
    this.protocol = cfg.protocol;
    this.priority = cfg.priority;
    this.weight = cfg.weight;
    this.tps = cfg.tps;
    this.submitCommand = SUBMIT_COMMAND[cfg.protocol];
    const log = d.log.child({ channel: cfg.name });
    this.limiter = new PacedLimiter(cfg.tps, d.now, d.rateWindowMs);
    this.health = new ChannelHealth(d.failover, d.now, log, d.onHealth);
    // CMPP has no transmitter/receiver split: every connection submits and takes DELIVERs.
    const roles: BindRole[] = cfg.protocol === 'cmpp' || cfg.bindType === 'transceiver' ? ['transceiver'] : ['transmitter', 'receiver'];
    const bindTps = cfg.bindTps > 0 ? cfg.bindTps : Math.ceil(cfg.tps / Math.max(1, cfg.binds));
    const hooks: BindHooks = {
      ...d.hooks,
      up: (b) => { this.health.sessions(this.bindsUp() > 0); d.hooks.up(b); },
      down: (b, reason) => { this.health.sessions(this.bindsUp() > 0); d.hooks.down(b, reason); },
      answered: (b, cls) => { this.health.answered(cls); d.hooks.answered(b, cls); },
    };
    for (const role of roles) {
      for (let i = 0; i < cfg.binds; i++) {
        const bind = new CarrierBind(cfg, role, i, { bindTps, rateWindowMs: d.rateWindowMs }, hooks, log, d.now, d.random);
        this.binds.push(bind);
        if (bind.canTransmit) this.txBinds.push(bind);
      }
    }
  }

  get healthStatus(): HealthStatus {
    return this.health.status;
  }

  /** Healthy: takes new messages (Carrier.taking also uses a failed one while no channel is healthy). */
  get takesTraffic(): boolean {
    return this.health.takesTraffic;
  }

  start(): void {
    this.health.start();
    for (const b of this.binds) b.start();
  }

  bindsUp(): number {
    let n = 0;
    for (const b of this.txBinds) if (b.isUp) n++;
    return n;
  }

  /** Parts this channel can write now (binds' windows and rates, bounded by the channel's rate). */
  capacity(): number {
    let sum = 0;
    for (const b of this.txBinds) sum += b.sendable();
    return Math.min(sum, this.limiter.available());
  }

  windowFree(): number {
    let free = 0;
    for (const b of this.txBinds) free += b.windowFree();
    return free;
  }

  /** Least loaded live bind that can take `parts` now, counting what this call already placed. */
  pick(parts: number, planned: Map<CarrierBind, number>): CarrierBind | null {
    let best: CarrierBind | null = null;
    let bestLoad = Infinity;
    for (const b of this.txBinds) {
      const already = planned.get(b) ?? 0;
      if (b.sendable() - already < parts) continue;
      const load = (b.inFlight + already) / b.effectiveWindow;
      if (load < bestLoad) {
        best = b;
        bestLoad = load;
      }
    }
    return best;
  }

  /** Writes the parts placed on `bind` (tokens checked by the caller); `done` hears of part `i`'s outcome. */
  send(bind: CarrierBind, bodies: Uint8Array[], done: (i: number, out: ChannelOutcome) => void): void {
    this.limiter.take(bodies.length);
    const items: RequestItem[] = new Array(bodies.length);
    for (let i = 0; i < bodies.length; i++) items[i] = { commandId: this.submitCommand, body: bodies[i]! };
    bind.sendEach(items, done);
  }

  /** The next time-driven change (a rate token back, a pause ending), or Infinity. */
  nextWakeAt(now: number): number {
    let at = this.limiter.available() > 0 ? Infinity : this.limiter.nextFreeAtMs();
    for (const b of this.txBinds) {
      if (!b.isUp) continue;
      if (b.pausedUntil > now) at = Math.min(at, b.pausedUntil);
      if (b.limiter.available() === 0) at = Math.min(at, b.limiter.nextFreeAtMs());
    }
    return at;
  }

  /** This daemon's share of the channel's tps: the budget is shared by the live daemons on one Redis. */
  shareRate(daemons = this.daemons, tps = this.tps): void {
    this.daemons = daemons;
    this.tps = tps;
    this.limiter.setLimit(Math.max(1, Math.floor(tps / Math.max(1, daemons))));
  }

  async close(): Promise<void> {
    this.health.close();
    await Promise.all(this.binds.map((b) => b.close()));
  }
}
