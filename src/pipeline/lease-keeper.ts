/**
 * This daemon's lease in Redis (token + expiry, renewed by heartbeat). A daemon that lost its lease
 * writes no PDU: a peer may already have taken its jobs (ARCHITECTURE §2). It takes the lease again
 * (recovering what it left behind) once its own in-flight work has come back.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { QueueStore } from '../store/queue-store.js';
import type { Metrics } from '../obs/metrics.js';

export type LeaseStatus = 'none' | 'held' | 'lost' | 'released';

export class LeaseKeeper {
  status: LeaseStatus = 'none';
  token = '';
  private renewTimer: NodeJS.Timeout | undefined;
  private peerTimer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];
  /** Daemons holding a lease on this Redis (this one included); carriers take 1/N of their TPS each. */
  liveDaemons = 1;
  onLiveDaemons: ((n: number) => void) | undefined;

  constructor(private store: QueueStore, private daemon: string, private leaseMs: number,
    private inFlight: () => number, private logger: Logger, private metrics: Metrics) {}

  private setStatus(to: LeaseStatus): void {
    if (to === this.status) return;
    this.logger.info({ daemon: this.daemon }, `lease ${this.status} -> ${to}`);
    this.status = to;
    this.metrics.leaseHeld.set(to === 'held' ? 1 : 0);
    if (to === 'held') for (const w of this.waiters.splice(0)) w();
  }

  get held(): boolean { return this.status === 'held'; }

  whenHeld(): Promise<void> {
    if (this.held) return Promise.resolve();
    return new Promise((res) => this.waiters.push(res));
  }

  /** Take the lease and recover what this daemon (and any dead peer) left in flight. */
  async acquire(): Promise<void> {
    const token = randomUUID();
    const [requeued, unknown, resent, peers] = await this.store.recover(this.daemon, token, 'start');
    this.token = token;
    this.logger.info({ requeued, unknown, resent, peers }, 'recovered in-flight jobs');
    this.setStatus('held');
  }

  start(): void {
    this.renewTimer = setInterval(() => void this.renew(), Math.max(200, Math.floor(this.leaseMs / 3)));
    this.peerTimer = setInterval(() => void this.recoverPeers(), this.leaseMs);
    this.renewTimer.unref(); this.peerTimer.unref();
  }

  /**
   * A reload changed queue.leaseMs (the store already writes the new lifetime). The renewal period
   * follows at once: kept at the old third, a shorter lease would lapse between two renewals and a
   * peer could take this daemon's in-flight jobs. Renewing now gives the key its new lifetime at once.
   */
  setLeaseMs(ms: number): void {
    if (ms === this.leaseMs) return;
    this.logger.info({ from: this.leaseMs, to: ms, renewEveryMs: Math.max(200, Math.floor(ms / 3)) }, 'lease time changed');
    this.leaseMs = ms;
    if (this.renewTimer === undefined) return; // not started (or released): start() uses the new value
    clearInterval(this.renewTimer); clearInterval(this.peerTimer);
    this.start();
    void this.renew();
  }

  private async renew(): Promise<void> {
    if (this.status === 'lost') { await this.retake(); return; }
    if (this.status !== 'held') return;
    try {
      const live = await this.store.lease(this.daemon, this.token, 'renew');
      if (live === 0) this.lost();
      else if (live !== this.liveDaemons) {
        this.logger.info({ from: this.liveDaemons, to: live }, 'live daemons changed: carrier TPS is shared among them');
        this.liveDaemons = live;
        this.onLiveDaemons?.(live);
      }
    } catch (e) {
      this.logger.warn({ err: e }, 'lease renewal failed');
    }
  }

  /** Called by the dispatcher when a script says the lease is not held. */
  lost(): void {
    if (this.status !== 'held') return;
    this.logger.error({ daemon: this.daemon }, 'lease lost: no PDU is written until it is taken again');
    this.setStatus('lost');
  }

  private async retake(): Promise<void> {
    if (this.inFlight() > 0) return; // wait for what is on the wire to come back first
    try { await this.acquire(); } catch (e) { this.logger.warn({ err: e }, 'lease not taken yet'); }
  }

  private async recoverPeers(): Promise<void> {
    if (!this.held) return;
    try {
      const [requeued, unknown, resent, peers, lost] = await this.store.recover(this.daemon, this.token, 'peers');
      if (lost === -1) this.lost();
      else if (peers! > 0) this.logger.warn({ requeued, unknown, resent, peers }, 'recovered the in-flight jobs of a dead peer');
    } catch (e) {
      this.logger.warn({ err: e }, 'peer recovery failed');
    }
  }

  async release(): Promise<void> {
    clearInterval(this.renewTimer); clearInterval(this.peerTimer);
    this.renewTimer = undefined;
    if (this.status === 'held') {
      try { await this.store.lease(this.daemon, this.token, 'release'); } catch (e) { this.logger.warn({ err: e }, 'lease release failed'); }
    }
    this.setStatus('released');
    for (const w of this.waiters.splice(0)) w();
  }
}
