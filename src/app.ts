/**
 * The only place that wires objects together. Start order: Redis, lease (recovering what was left in
 * flight), metrics, pool, carriers, dispatchers, intake. Stop order is the reverse, and hands back
 * everything in flight before Redis is closed.
 */
import type { Logger } from 'pino';
import type { Config, CarrierConfig } from './config/types.js';
import { SmppdError } from './errors.js';
import { Metrics } from './obs/metrics.js';
import { ObsServer, type Readiness } from './obs/http.js';
import { createRedis, connectRedis, type Redis } from './store/redis.js';
import { QueueStore, type ReceiptRecord, type SettleRecord } from './store/queue-store.js';
import { PreparePool } from './work/pool.js';
import { Carrier } from './carrier/carrier.js';
import { normaliseMessageId } from './smpp/receipt.js';
import { Batcher } from './pipeline/batcher.js';
import { Dispatcher } from './pipeline/dispatcher.js';
import { Inbound } from './pipeline/inbound.js';
import { Intake } from './pipeline/intake.js';
import { LeaseKeeper } from './pipeline/lease-keeper.js';

export type AppStatus = 'created' | 'starting' | 'running' | 'stopping' | 'stopped';

export interface AppOptions { config: Config; logger: Logger; version: string }

interface CarrierSlot { cfg: CarrierConfig; carrier: Carrier; dispatcher: Dispatcher }

export class App {
  status: AppStatus = 'created';
  private cfg: Config;
  private readonly logger: Logger;
  readonly metrics: Metrics;
  private redis: Redis | undefined;
  private reader: Redis | undefined;
  private store: QueueStore | undefined;
  private lease: LeaseKeeper | undefined;
  private pool: PreparePool | undefined;
  private intake: Intake | undefined;
  private settle: Batcher<SettleRecord, string> | undefined;
  private receiptBatcher: Batcher<ReceiptRecord, string> | undefined;
  private slots = new Map<string, CarrierSlot>();
  private inbound: Inbound | undefined;
  private obs: ObsServer | undefined;
  private timers: NodeJS.Timeout[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private opts: AppOptions) {
    this.cfg = opts.config;
    this.logger = opts.logger;
    this.metrics = new Metrics({ carriers: this.cfg.carriers.map((c) => c.name), version: opts.version });
  }

  private setStatus(to: AppStatus): void {
    this.logger.info(`smppd ${this.status} -> ${to}`);
    this.status = to;
  }

  get metricsPort(): number { return this.obs?.port ?? 0; }

  async start(): Promise<void> {
    this.setStatus('starting');
    const cfg = this.cfg;
    const log = this.logger;
    this.redis = createRedis(cfg.redis, `smppd:${cfg.instanceId}`);
    this.reader = createRedis(cfg.redis, `smppd:${cfg.instanceId}:intake`, { maxRetriesPerRequest: null });
    for (const r of [this.redis, this.reader]) r.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
    try {
      await connectRedis(this.redis, 5000);
      await connectRedis(this.reader, 5000);
    } catch (e) {
      throw new SmppdError('REDIS_UNAVAILABLE', `Redis at ${cfg.redis.url.replace(/\/\/[^@/]*@/, '//***@')}: ${(e as Error).message}`, { cause: e });
    }
    const store = (this.store = new QueueStore(this.redis, cfg));
    await store.ensureGroup();

    if (cfg.metrics.port > 0 || cfg.metrics.port === 0) {
      this.obs = new ObsServer(this.metrics, () => this.readiness());
      await this.obs.listen(cfg.metrics.host, cfg.metrics.port);
      log.info({ host: cfg.metrics.host, port: this.obs.port }, 'metrics listening');
    }

    const inFlight = (): number => [...this.slots.values()].reduce((n, s) => n + s.dispatcher.inFlight, 0);
    this.lease = new LeaseKeeper(store, cfg.instanceId, cfg.queue.leaseMs, inFlight, log, this.metrics);
    await this.lease.acquire();
    this.lease.start();

    this.pool = new PreparePool(cfg, { logger: log });
    this.settle = new Batcher((recs) => store.settle(cfg.instanceId, recs), { maxBatch: 200, retry: true, logger: log, name: 'settle' });
    this.receiptBatcher = new Batcher((recs) => store.receipts(recs), { maxBatch: 200, retry: false, logger: log, name: 'receipts' });
    const inbound = (this.inbound = new Inbound({
      store, receipts: this.receiptBatcher, metrics: this.metrics, logger: log,
      countryCode: () => this.cfg.routing.countryCode, optOutKeywords: () => this.cfg.care.optOutKeywords,
    }));

    for (const cc of cfg.carriers) this.addCarrier(cc, inbound);

    this.intake = new Intake({
      store, reader: this.reader, pool: this.pool, consumer: cfg.instanceId, config: () => this.cfg,
      metrics: this.metrics, logger: log,
      onQueued: (carriers) => { for (const c of carriers) this.slots.get(c)?.dispatcher.wake(); },
    });
    this.intake.start();
    this.timers.push(setInterval(() => void this.refreshGauges(), 5000));
    this.setStatus('running');
  }

  /**
   * SIGHUP: apply a new validated config without dropping in-flight messages. TPS changes apply in
   * place; a carrier whose connection settings changed is drained and replaced; carriers are added
   * and removed; text, routing and care rules reach the pool and the scripts. Returns what changed.
   */
  async reload(next: Config): Promise<string[]> {
    if (this.status !== 'running') return [];
    const applied: string[] = [];
    if (next.instanceId !== this.cfg.instanceId || next.redis.url !== this.cfg.redis.url || next.redis.prefix !== this.cfg.redis.prefix) {
      this.logger.warn('instanceId and redis settings change only with a restart; kept as they were');
      next = { ...next, instanceId: this.cfg.instanceId, redis: this.cfg.redis };
    }
    this.metrics.touch(next.carriers.map((c) => c.name));
    const wanted = new Map(next.carriers.map((c) => [c.name, c]));
    for (const [name, slot] of [...this.slots]) {
      const nc = wanted.get(name);
      const same = nc && JSON.stringify({ ...nc, tps: 0 }) === JSON.stringify({ ...slot.cfg, tps: 0 });
      if (nc && same) {
        if (nc.tps !== slot.cfg.tps) { slot.carrier.setRateLimit(nc.tps); applied.push(`${name}.tps`); }
        slot.cfg = nc;
        continue;
      }
      await slot.dispatcher.stop();
      await slot.carrier.close();
      this.slots.delete(name);
      applied.push(nc ? `${name} replaced` : `${name} removed`);
    }
    this.cfg = next;
    this.store!.setConfig(next);
    await this.pool!.reconfigure(next);
    for (const cc of next.carriers) {
      if (!this.slots.has(cc.name)) { this.addCarrier(cc, this.inbound!); if (!applied.includes(`${cc.name} replaced`)) applied.push(`${cc.name} added`); }
    }
    applied.push('text, routing, care, queue');
    return applied;
  }

  private addCarrier(cc: CarrierConfig, inbound: Inbound): void {
    const log = this.logger.child({ carrier: cc.name });
    const carrier = new Carrier(cc, { logger: log });
    const m = this.metrics;
    carrier.on('deliver', (req) => inbound.handle(this.slots.get(cc.name)?.cfg ?? cc, req));
    carrier.on('bind-up', () => m.bindsUp.set({ carrier: cc.name }, carrier.bindsUp()));
    carrier.on('bind-down', () => m.bindsUp.set({ carrier: cc.name }, carrier.bindsUp()));
    carrier.on('throttled', () => m.throttles.inc({ carrier: cc.name }));
    carrier.on('reconnect', () => m.reconnects.inc({ carrier: cc.name }));
    carrier.on('bad-pdu', () => m.badPdus.inc({ carrier: cc.name }));
    const dispatcher = new Dispatcher(carrier, {
      store: this.store!, lease: this.lease!, settle: this.settle!, metrics: m, logger: log, daemon: this.cfg.instanceId,
      claimBatch: this.cfg.queue.claimBatch, idlePollMs: 50, normaliseId: (id) => normaliseMessageId(id, cc.idFormat),
    });
    this.slots.set(cc.name, { cfg: cc, carrier, dispatcher });
    carrier.start();
    dispatcher.start();
  }

  readiness(): Readiness {
    const checks: Record<string, boolean | string> = { redis: this.redis?.status === 'ready', lease: this.lease?.held ?? false };
    for (const [name, s] of this.slots) checks[`carrier:${name}`] = s.carrier.bindsUp() > 0;
    return { ready: this.status === 'running' && Object.values(checks).every((v) => v === true), checks };
  }

  private async refreshGauges(): Promise<void> {
    if (!this.store || this.status !== 'running') return;
    try {
      const names = [...this.slots.keys()];
      for (const l of await this.store.lanes(names)) {
        this.metrics.queueDepth.set({ carrier: l.carrier, class: l.class }, l.depth);
        this.metrics.queueOldestAge.set({ carrier: l.carrier, class: l.class }, l.oldestAgeMs / 1000);
      }
      for (const [c, n] of Object.entries(await this.store.scheduleSizes(names))) this.metrics.scheduleSize.set({ carrier: c }, n);
      for (const [c, s] of this.slots) this.metrics.windowInUse.set({ carrier: c }, s.dispatcher.inFlight);
      if (this.pool) this.metrics.poolUtilization.set(this.pool.utilization());
    } catch (e) {
      this.logger.warn({ err: e }, 'gauge refresh failed');
    }
  }

  /** Stop intake, let in-flight work finish (or hand it back at the deadline), unbind, close. Idempotent. */
  stop(deadlineMs = this.cfg.shutdown.drainMs): Promise<void> {
    this.stopping ??= this.doStop(deadlineMs);
    return this.stopping;
  }

  private async doStop(deadlineMs: number): Promise<void> {
    this.setStatus('stopping');
    for (const t of this.timers) clearInterval(t);
    await this.intake?.stop();
    const drained = Promise.all([...this.slots.values()].map((s) => s.dispatcher.stop()));
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([
      drained.then(() => false),
      new Promise<boolean>((res) => { timer = setTimeout(() => res(true), deadlineMs); }),
    ]);
    clearTimeout(timer);
    if (late) this.logger.warn({ deadlineMs }, 'drain deadline reached: closing sessions, in-flight requests are handed back');
    // Closing a carrier unbinds its sessions; whatever is still in flight comes back as an outcome and is settled.
    await Promise.all([...this.slots.values()].map((s) => s.carrier.close()));
    await drained;
    await this.settle?.drain();
    await this.receiptBatcher?.drain();
    await this.lease?.release();
    await this.pool?.close();
    await this.obs?.close();
    await this.reader?.quit().catch(() => this.reader?.disconnect());
    await this.redis?.quit().catch(() => this.redis?.disconnect());
    this.setStatus('stopped');
  }
}
