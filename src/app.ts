/**
 * The only place that wires objects together. Start order: Redis, lease (recovering what was left in
 * flight), metrics, pool, carriers, dispatchers, intake. Stop order is the reverse, and hands back
 * everything in flight before Redis is closed; each stop step runs whatever the ones before it did.
 */
import type { Logger } from 'pino';
import type { Config, CarrierConfig, ChannelConfig } from './config/types.js';
import { SmppdError } from './errors.js';
import { redactUrl } from './config/load.js';
import { carrierChange, planReload } from './config/reload-plan.js';
import { Metrics } from './obs/metrics.js';
import { CERT_WARN_MS, certExpiries } from './config/tls-files.js';
import { ObsServer, type Readiness } from './obs/http.js';
import { createRedis, connectRedis, type Redis } from './store/redis.js';
import { redisWarnings } from './store/redis-checks.js';
import { RedisProbe } from './store/redis-probe.js';
import { QueueStore, type ReceiptOutcome, type ReceiptRecord, type SettleRecord, type SettleStatus } from './store/queue-store.js';
import { InboundStore } from './store/inbound-store.js';
import { ChannelHealthStore } from './store/channel-health-store.js';
import { openPreparer, reconfigurePreparer, type Preparer } from './prepare/preparer.js';
import { Carrier, type CarrierDeliver } from './carrier/carrier.js';
import type { HealthStatus } from './carrier/channel-health.js';
import { Batcher } from './pipeline/batcher.js';
import { Dispatcher } from './pipeline/dispatcher.js';
import { Inbound } from './pipeline/inbound.js';
import { Intake } from './pipeline/intake.js';
import { AcquireAborted, LeaseKeeper } from './pipeline/lease-keeper.js';
import { otpComing } from './pipeline/otp-signal.js';
import { receiptKey } from './pipeline/receipt-ids.js';
import { receiptBatcher } from './pipeline/receipts-after-settles.js';
import { ReceiptExpiry } from './pipeline/receipt-expiry.js';
import { StreamTrim, type TrimAges } from './store/stream-trim.js';
import { Retention, trimEveryMs } from './pipeline/retention.js';
import { allOf, runStopSteps } from './stop-steps.js';

/** One intake per job stream, in the order of Keys.jobStreams; each has a blocking connection of its own. */
const INTAKE_NAMES = ['priority', 'main'] as const;

export type AppStatus = 'created' | 'starting' | 'running' | 'stopping' | 'stopped';

export interface AppOptions {
  config: Config;
  logger: Logger;
  version: string;
  /** Shifts the clock the care rules and job times use (SMPPD_CLOCK_OFFSET_MS, docs/CARE.md): drills and tests only. */
  clockOffsetMs?: number;
}

interface CarrierSlot { cfg: CarrierConfig; carrier: Carrier; dispatcher: Dispatcher }

export class App {
  status: AppStatus = 'created';
  private cfg: Config;
  private readonly logger: Logger;
  readonly metrics: Metrics;
  private redis: Redis | undefined;
  private redisProbe: RedisProbe | undefined;
  private readers: Redis[] = [];
  /** The main stream's ingest scripts run on a connection of their own (see start()). */
  private bulkRedis: Redis | undefined;
  private bulkStore: QueueStore | undefined;
  private store: QueueStore | undefined;
  private healthStore: ChannelHealthStore | undefined;
  private lease: LeaseKeeper | undefined;
  private pool: Preparer | undefined;
  private intakes: Intake[] = [];
  private settle: Batcher<SettleRecord, SettleStatus> | undefined;
  private settleOtp: Batcher<SettleRecord, SettleStatus> | undefined;
  private receiptBatcher: Batcher<ReceiptRecord, ReceiptOutcome> | undefined;
  private slots = new Map<string, CarrierSlot>();
  private inbound: Inbound | undefined;
  private obs: ObsServer | undefined;
  private timers: NodeJS.Timeout[] = [];
  /** Early receipts and MO parts: its period follows queue.earlyReceiptMs and moPartialMs (armSweep). */
  private sweepTimer: { ms: number; timer: NodeJS.Timeout } | undefined;
  /** Stream trims: their period follows queue.streamRetentionMs and retentionMs (armRetention). */
  private retentionTimer: { ms: number; timer: NodeJS.Timeout } | undefined;
  private expiry: ReceiptExpiry | undefined;
  private retention: Retention | undefined;
  private stopping: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(opts: AppOptions) {
    this.cfg = opts.config;
    this.logger = opts.logger;
    const offsetMs = opts.clockOffsetMs ?? 0;
    this.now = offsetMs === 0 ? Date.now : () => Date.now() + offsetMs;
    this.metrics = new Metrics({ carriers: this.cfg.carriers, version: opts.version });
    this.noteClientCerts(this.cfg.carriers);
  }

  /** Client certificates: their ends to the gauge, and a warning for each that ends within CERT_WARN_MS. */
  private noteClientCerts(carriers: CarrierConfig[]): void {
    const ends = certExpiries(carriers);
    this.metrics.certExpiries(ends);
    const now = this.now();
    for (const [carrier, ms] of Object.entries(ends)) {
      if (ms - now >= CERT_WARN_MS) continue;
      const validUntil = new Date(ms).toISOString();
      this.logger.warn({ carrier, validUntil }, ms <= now
        ? 'TLS client certificate has expired: the SMSC will refuse every bind; replace tlsCertFile and tlsKeyFile, then reload'
        : `TLS client certificate ends within ${CERT_WARN_MS / 86_400_000} days: replace tlsCertFile and tlsKeyFile, then reload`);
    }
  }

  private setStatus(to: AppStatus): void {
    this.logger.info(`smppd ${this.status} -> ${to}`);
    this.status = to;
  }

  get metricsPort(): number { return this.obs?.port ?? 0; }

  /** `signal` (a stop asked for meanwhile) ends a wait for the lease: start then throws, nothing bound or claimed. */
  async start(signal?: AbortSignal): Promise<void> {
    this.setStatus('starting');
    const cfg = this.cfg;
    const log = this.logger;
    this.redis = createRedis(cfg.redis, `smppd:${cfg.instanceId}`);
    // XREADGROUP BLOCK holds a connection: one per job stream (priority, main).
    this.readers = INTAKE_NAMES.map((s) => createRedis(cfg.redis, `smppd:${cfg.instanceId}:intake:${s}`, { maxRetriesPerRequest: null }));
    // Bulk ingest scripts (hundreds of jobs each) get a connection of their own: on the shared one, an OTP's
    // ingest, claim and settle queued behind every bulk batch already sent
    // (docs/BENCHMARKS-HISTORY.md, "Second round", change 8).
    this.bulkRedis = createRedis(cfg.redis, `smppd:${cfg.instanceId}:ingest`);
    for (const r of [this.redis, ...this.sideConnections().map(([, c]) => c)]) r.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
    try {
      await connectRedis(this.redis, 5000);
      for (const [, r] of this.sideConnections()) await connectRedis(r, 5000);
    } catch (e) {
      throw new SmppdError('REDIS_UNAVAILABLE', `Redis at ${redactUrl(cfg.redis.url)}: ${(e as Error).message}`, { cause: e });
    }
    const warnings = await redisWarnings(this.redis).catch((e: unknown) => {
      log.warn({ err: (e as Error).message }, 'could not read Redis INFO to check eviction and persistence');
      return [];
    });
    for (const w of warnings) log.warn({ check: w.check, seen: w.seen }, w.message);
    this.redisProbe = new RedisProbe(this.redis);
    this.redisProbe.start();
    const store = (this.store = new QueueStore(this.redis, cfg, this.now));
    const bulkStore = (this.bulkStore = new QueueStore(this.bulkRedis, cfg, this.now));
    await store.ensureGroup();
    store.onFinals = bulkStore.onFinals = (c, cls, state, n) => this.metrics.countFinal(c, cls, state, n);

    this.obs = new ObsServer(this.metrics, () => this.readiness());
    await this.obs.listen(cfg.metrics.host, cfg.metrics.port);
    log.info({ host: cfg.metrics.host, port: this.obs.port }, 'metrics listening');

    const inFlight = (): number => [...this.slots.values()].reduce((n, s) => n + s.dispatcher.inFlight, 0);
    this.lease = new LeaseKeeper(store, cfg.instanceId, cfg.queue.leaseMs, inFlight, log, this.metrics);
    this.lease.onLiveDaemons = () => {
      for (const s of this.slots.values()) s.carrier.shareRate(this.liveDaemons());
    };
    await this.lease.acquire(signal);
    if (signal?.aborted) throw new AcquireAborted(); // taken just now: stop() releases it
    this.lease.start();
    // Only once the lease is ours: a twin refused at acquire must not clear the live daemon's channel health.
    this.healthStore = new ChannelHealthStore(this.redis, store.keys);

    // pool.threads 0: prepare on the I/O thread (cheaper than the hand-off on small machines;
    // docs/BENCHMARKS-HISTORY.md, "First round", change 1).
    this.pool = await openPreparer(cfg, { logger: log, now: this.now });
    this.settle = new Batcher((recs) => store.settle(cfg.instanceId, recs), { maxBatch: 200, retry: true, logger: log, name: 'settle' });
    // OTP answers have a settle write of their own: behind a 200-record bulk one, an OTP's `submitted` waited
    // for that whole write first (docs/BENCHMARKS-HISTORY.md, "Fourth round", change 14).
    this.settleOtp = new Batcher((recs) => store.settle(cfg.instanceId, recs), { maxBatch: 200, retry: true, logger: log, name: 'settle-otp' });
    // Receipts wait (bounded) for the settles before them, so they find their mapping (receipts-after-settles.ts).
    this.receiptBatcher = receiptBatcher({ write: (recs) => store.receipts(recs), settles: [this.settle, this.settleOtp], logger: log });
    const inbound = (this.inbound = new Inbound({
      inboundStore: new InboundStore(store, () => this.cfg, this.now), receipts: this.receiptBatcher, metrics: this.metrics, logger: log,
      countryCode: () => this.cfg.routing.countryCode, optOutKeywords: () => this.cfg.care.optOutKeywords, now: this.now,
    }));

    for (const cc of cfg.carriers) this.addCarrier(cc, inbound);

    // One intake per job stream, so an OTP in the priority stream is stored while a bulk batch from the
    // main stream is still being prepared (measured: docs/BENCHMARKS-HISTORY.md, "First round").
    this.intakes = INTAKE_NAMES.map((name, i) => new Intake({
      // Through this.pool at each call: a reload may swap the preparer (pool.threads to or from 0).
      store: name === 'priority' ? store : bulkStore, reader: this.readers[i]!, pool: { prepare: (raws, over) => this.pool!.prepare(raws, over) },
      consumer: cfg.instanceId,
      config: () => this.cfg, metrics: this.metrics, logger: log, streams: [store.keys.jobStreams[i]!], name,
      // Entries a dead daemon read but never stored are adopted once idle for two leases (a live daemon
      // stores a batch in well under a second; an adopted replay changes nothing anyway). Follows a reloaded leaseMs.
      adoptIdleMs: () => Math.max(10_000, 2 * this.cfg.queue.leaseMs),
      onQueued: (carriers, otp) => { for (const c of carriers) this.slots.get(c)?.dispatcher.wake(otp.has(c)); },
      // The bulk stream's intake reads quarter batches while OTPs come for any carrier (intake.ts otpActive).
      ...(name === 'main' ? { otpActive: () => otpComing(this.slots.values()) } : {}),
    }));
    for (const intake of this.intakes) intake.start();
    this.timers.push(setInterval(() => void this.refreshGauges(), 5000));
    // Jobs whose receipt can no longer come end `unconfirmed` (receipt-expiry.ts), on the sweep's beat.
    this.expiry = new ReceiptExpiry({ inboundStore: new InboundStore(store, () => this.cfg, this.now), logger: log });
    this.armSweep();
    // No stream entry outlives retention (retention.ts): job streams once stored, events, mo and orphans by age.
    const retention = (this.retention = new Retention({ trim: new StreamTrim(this.redis, store.keys), ages: () => this.retentionAges(), logger: log }));
    void retention.run();
    this.armRetention();
    this.setStatus('running');
  }

  private retentionAges(): TrimAges {
    return { jobStreamMs: this.cfg.queue.streamRetentionMs, outStreamMs: this.cfg.queue.retentionMs };
  }

  /** The streams are trimmed on a beat their retention sets (trimEveryMs); re-armed when a reload moves it. */
  private armRetention(): void {
    const ms = trimEveryMs(this.retentionAges());
    if (this.retentionTimer?.ms === ms || this.retention === undefined) return;
    clearInterval(this.retentionTimer?.timer);
    const retention = this.retention;
    this.retentionTimer = { ms, timer: setInterval(() => void retention.run(), ms) };
  }

  /**
   * Early receipts and MO parts are checked a few times per deadline: orphans and partial MOs appear
   * within ~25% of their deadline, at two small scripts per run; jobs past receiptTtlDays on the same
   * beat. Re-armed when a reload moves the deadlines.
   */
  private armSweep(): void {
    const q = this.cfg.queue;
    const ms = Math.min(30_000, Math.max(1000, Math.min(q.earlyReceiptMs, q.moPartialMs) / 4));
    if (this.sweepTimer?.ms === ms) return;
    clearInterval(this.sweepTimer?.timer);
    this.sweepTimer = {
      ms,
      timer: setInterval(() => {
        const carriers = [...this.slots.keys()];
        void this.inbound?.sweep(carriers);
        void this.expiry?.sweep(carriers);
      }, ms),
    };
  }

  /**
   * SIGHUP: apply a new validated config without dropping in-flight messages. Fields a running daemon
   * cannot change (config/reload-plan.ts) keep their running values and are named in one warning. TPS
   * changes apply in place; a carrier whose connection settings changed is drained and replaced;
   * carriers are added and removed; everything else applies to the next job, claim or renewal.
   * Returns what changed.
   */
  async reload(file: Config): Promise<string[]> {
    if (this.status !== 'running') return [];
    const plan = planReload(this.cfg, file);
    const next = plan.config;
    // The level first, so this reload's own debug lines follow the new one.
    if (next.log.level !== this.cfg.log.level) this.logger.level = next.log.level;
    this.logger.debug({ fields: [...plan.needRestart, ...plan.live] }, 'reload: fields changed in the file');
    if (plan.needRestart.length > 0) this.logger.warn({ fields: plan.needRestart }, 'reload: these settings need a restart');
    const applied: string[] = [];
    this.metrics.touch(next.carriers);
    this.noteClientCerts(next.carriers);
    const wanted = new Map(next.carriers.map((c) => [c.name, c]));
    for (const [name, slot] of [...this.slots]) {
      const nc = wanted.get(name);
      const change = nc ? carrierChange(slot.cfg, nc) : { kind: 'replace' as const };
      if (nc && change.kind === 'same') {
        for (const { channel, tps } of change.tps) { slot.carrier.setTps(channel, tps); applied.push(`${channel}.tps`); }
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
    this.bulkStore?.setConfig(next);
    this.lease!.setLeaseMs(next.queue.leaseMs);
    this.armSweep();
    this.armRetention();
    await reconfigurePreparer(this.pool!, next, { logger: this.logger, now: this.now }, (p) => { this.pool = p; });
    for (const cc of next.carriers) {
      if (!this.slots.has(cc.name)) { this.addCarrier(cc, this.inbound!); if (!applied.includes(`${cc.name} replaced`)) applied.push(`${cc.name} added`); }
    }
    const running = next.carriers.flatMap((c) => c.channels.map((ch) => ch.name));
    await this.healthStore?.clear(next.instanceId, running).catch(() => undefined);
    applied.push(...plan.live);
    return applied;
  }

  private addCarrier(cc: CarrierConfig, inbound: Inbound): void {
    const log = this.logger; // the carrier and the dispatcher add `carrier` to their own lines
    const carrier = new Carrier(cc, { logger: log });
    const m = this.metrics;
    // The running config (a reload may have changed fields that apply in place) and one of its channels.
    const current = (): CarrierConfig => this.slots.get(cc.name)?.cfg ?? cc;
    const channelOf = (name: string): ChannelConfig => current().channels.find((ch) => ch.name === name) ?? current().channels[0]!;
    carrier.on('deliver', (req: CarrierDeliver) => inbound.handle(current(), channelOf(req.channel), req));
    const wire = (e: { channel: string }) => ({ carrier: cc.name, channel: e.channel });
    const binds = (e: { channel: string }) => m.bindsUp.set(wire(e), carrier.channels.find((c) => c.name === e.channel)?.bindsUp() ?? 0);
    carrier.on('bind-up', binds);
    carrier.on('bind-down', binds);
    carrier.on('throttled', (e) => m.throttles.inc(wire(e)));
    carrier.on('reconnect', (e) => m.reconnects.inc(wire(e)));
    carrier.on('bad-pdu', (e) => m.badPdus.inc(wire(e)));
    const health = (channel: string, to: HealthStatus, changed: boolean) => { m.health(cc.name, channel, to, changed); this.publishHealth(channel, to); };
    carrier.on('health', (e: { channel: string; to: HealthStatus }) => health(e.channel, e.to, true));
    for (const ch of carrier.channels) health(ch.name, ch.healthStatus, false);
    const dispatcher = new Dispatcher(carrier, {
      store: this.store!, lease: this.lease!, settle: this.settle!, settleOtp: this.settleOtp!, metrics: m, logger: log, daemon: this.cfg.instanceId,
      claimBatch: () => this.cfg.queue.claimBatch, idlePollMs: 50, otpWindowSlots: cc.otpWindowSlots,
      normaliseId: (channel, id) => receiptKey(cc.name, channelOf(channel), id, 'response'),
    });
    this.slots.set(cc.name, { cfg: cc, carrier, dispatcher });
    if (this.liveDaemons() > 1) carrier.shareRate(this.liveDaemons());
    carrier.start();
    dispatcher.start();
  }

  /** The connections beside the shared one, named as /readyz reports them: bulk ingest and the blocking readers. */
  private sideConnections(): [name: string, conn: Redis][] {
    const readers = this.readers.map((r, i): [string, Redis] => [`intake:${INTAKE_NAMES[i]}`, r]);
    return this.bulkRedis ? [['ingest', this.bulkRedis], ...readers] : readers;
  }

  /** For `smppd status` (store/channel-health-store.ts); a failed write costs only that view. */
  private publishHealth(channel: string, status: HealthStatus): void {
    this.healthStore?.set(this.cfg.instanceId, channel, status, this.now()).catch((err: Error) => {
      this.logger.warn({ err: err.message, channel }, 'could not publish channel health to Redis');
    });
  }

  /** The daemons sharing each channel's tps (Channel.shareRate: each takes tps / N). */
  private liveDaemons(): number {
    return this.lease?.liveDaemons ?? 1;
  }

  readiness(): Readiness {
    // Every connection goes to the one server: one check for all of them, and the names of those down.
    const conns: [string, Redis | undefined][] = [['main', this.redis], ...this.sideConnections()];
    const down = conns.filter(([, r]) => r?.status !== 'ready').map(([name]) => name);
    const checks: Record<string, boolean | string> = { redis: down.length === 0, lease: this.lease?.held ?? false };
    if (down.length > 0) checks['redis:down'] = down.join(', ');
    const silentMs = this.redisProbe?.silentMs ?? 0;
    if (silentMs > 0) Object.assign(checks, { redis: false, 'redis:silent': `main: no answer for ${silentMs} ms` });
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
      this.metrics.deadLetters.set(await this.store.deadLetters());
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
    this.redisProbe?.stop();
    clearInterval(this.sweepTimer?.timer);
    clearInterval(this.retentionTimer?.timer);
    // Runs already going end at their next step; Redis is closed only once they have (awaited below).
    const periodic = allOf([this.expiry?.stop(), this.inbound?.stopSweep(), this.retention?.stop()]);
    periodic.catch(() => undefined); // its failure is reported by its step, not as an unhandled rejection
    const slots = [...this.slots.values()];
    let drained: Promise<void> = Promise.resolve();
    // Every step runs whatever the ones before it did (stop-steps.ts); Redis is closed last.
    try {
      await runStopSteps([
        ['intakes', () => allOf(this.intakes.map((i) => i.stop()))],
        ['drain', async () => {
          drained = allOf(slots.map((s) => s.dispatcher.stop()));
          drained.catch(() => undefined); // reported by the dispatchers step
          let timer: NodeJS.Timeout | undefined;
          const late = await Promise.race([
            drained.then(() => false, () => false),
            new Promise<boolean>((res) => { timer = setTimeout(() => res(true), deadlineMs); }),
          ]);
          clearTimeout(timer);
          if (late) this.logger.warn({ deadlineMs }, 'drain deadline reached: closing sessions, in-flight requests are handed back');
        }],
        // Closing a carrier unbinds its sessions; whatever is still in flight comes back as an outcome and is settled.
        ['carriers', () => allOf(slots.map((s) => s.carrier.close()))],
        ['dispatchers', () => drained],
        ['settles', () => allOf([this.settle?.drain(), this.settleOtp?.drain()])],
        ['receipts', () => this.receiptBatcher?.drain()],
        ['periodic runs', () => periodic],
        ['channel health', () => this.healthStore?.clear(this.cfg.instanceId)],
        ['lease', () => this.lease?.release()],
        ['pool', () => this.pool?.close()],
        ['metrics server', () => this.obs?.close()],
        ['redis side connections', () => allOf(this.sideConnections().map(([, r]) => r.quit().catch(() => r.disconnect())))],
        ['redis', () => this.redis?.quit().catch(() => this.redis?.disconnect())],
      ], this.logger);
    } finally {
      this.setStatus('stopped');
    }
  }
}
