/**
 * This daemon's lease in Redis (token + expiry, renewed by heartbeat). A daemon that lost its lease
 * writes no PDU: a peer may already have taken its jobs (docs/ARCHITECTURE.md, "State of a job (Redis
 * is the truth)"). It takes the lease again (recovering what it left behind) once its own in-flight work
 * has come back, and only when no other process holds it: two daemons with one instanceId never take the lease from each other.
 * A daemon that joins sends nothing until its peers have lowered their share of the carriers' TPS.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { SmppdError } from '../errors.js';
import type { QueueStore } from '../store/queue-store.js';
import type { JoinState, Recovered } from '../store/lease-results.js';
import type { Metrics } from '../obs/metrics.js';
import { ShareCount } from './share-count.js';

export type LeaseStatus = 'none' | 'waiting' | 'joining' | 'held' | 'lost' | 'released';

/**
 * One rate window (1 s + the carrier's 15 ms guard) plus room for a claim already on its way when a peer
 * lowered its share: a joiner waits this long after its peers lowered theirs, a daemon this long before it
 * raises its share after a peer left (share-count.ts).
 */
export const SHARE_SETTLE_MS = 1300;
/** How often a daemon polls while it waits for its peers (joining) or for a held lease to lapse (waiting). */
const POLL_MS = 100;
/** A lease expiry that moved later by more than this was renewed: its holder is alive. */
const RENEWED_SLACK_MS = 50;

/** Waits `ms`, or less when `signal` aborts first. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((r) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void { clearTimeout(timer); signal?.removeEventListener('abort', done); r(); }
  });
}

/** acquire() gave up because its signal aborted (a stop asked for while the daemon started). */
export class AcquireAborted extends Error {
  constructor() { super('stopped while waiting for the lease'); this.name = 'AcquireAborted'; }
}

export class LeaseKeeper {
  status: LeaseStatus = 'none';
  token = '';
  private renewTimer: NodeJS.Timeout | undefined;
  private peerTimer: NodeJS.Timeout | undefined;
  private joinTimer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];
  private readonly count: ShareCount;
  /** The join generation this daemon's share reflects, and its own while it waits to send (0 after). */
  private appliedGen = 0;
  private joinGen = 0;
  private joinUntilMs = 0;
  private joinSettle = false;
  private renewing: Promise<void> | undefined;
  private renewAgain = false;
  private takenLogged = false;
  onLiveDaemons: ((n: number) => void) | undefined;

  constructor(private store: QueueStore, private daemon: string, private leaseMs: number,
    private inFlight: () => number, private logger: Logger, private metrics: Metrics) {
    this.count = new ShareCount(1, SHARE_SETTLE_MS, (n) => {
      this.logger.info({ to: n }, 'live daemons changed: carrier TPS is shared among them');
      this.onLiveDaemons?.(n);
    });
  }

  /** Daemons a carrier's TPS is divided by (this one included). */
  get liveDaemons(): number { return this.count.value; }

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

  /**
   * Take the lease and recover what this daemon (and any dead peer) left in flight. When another token
   * holds it, wait: a lease that lapses was a crashed predecessor's (a restart after SIGKILL); one whose
   * expiry moves was renewed by a live daemon with this instanceId, and this one refuses to start.
   * `signal` ends the wait (AcquireAborted): a predecessor's lease can outlive systemd's stop timeout.
   */
  async acquire(signal?: AbortSignal): Promise<void> {
    let firstExpiryMs: number | undefined;
    for (;;) {
      if (signal?.aborted) throw new AcquireAborted();
      const token = randomUUID();
      const res = await this.store.recover(this.daemon, token, 'start', this.token);
      if (res.kind === 'recovered') { this.joined(token, res, firstExpiryMs !== undefined); return; }
      if (res.kind !== 'held-elsewhere') throw new Error(`recover at start answered ${res.kind}`);
      const { expiryMs } = res;
      if (firstExpiryMs === undefined) {
        firstExpiryMs = expiryMs;
        this.setStatus('waiting');
        this.logger.warn({ daemon: this.daemon, leaseMs: this.leaseMs }, 'the lease of this instanceId is held by another process: '
          + 'waiting for it to lapse (a crashed predecessor) or be renewed (a live daemon with the same instanceId)');
      } else if (expiryMs > firstExpiryMs + RENEWED_SLACK_MS) {
        // Only a renewal proves a live holder. A lease that is not renewed lapses at its expiry, however
        // long the predecessor's leaseMs was, so waiting for it always ends.
        throw new SmppdError('INSTANCE_IN_USE', `a live daemon holds the lease of instanceId ${this.daemon} on this Redis (it renewed it `
          + 'while this one waited); give each daemon its own instanceId, or stop the other one first');
      }
      await sleep(POLL_MS, signal);
    }
  }

  /** The lease is ours: send at once when alone, else once every live peer has lowered its share. */
  private joined(token: string, res: Recovered & { join?: JoinState }, afterOther: boolean): void {
    const { requeued, unknown, resent, peers } = res;
    const { gen, livePeers, left } = res.join!; // mode start always says
    this.token = token;
    this.takenLogged = false;
    this.logger.info({ requeued, unknown, resent, peers }, 'recovered in-flight jobs');
    this.appliedGen = gen;
    this.count.see(livePeers + 1);
    // A daemon that stopped (left) or crashed (afterOther) just now may have written its share this second.
    this.joinSettle = afterOther || livePeers > 0 || left;
    if (livePeers === 0 && !this.joinSettle) { this.setStatus('held'); return; }
    this.joinGen = gen;
    this.joinUntilMs = Date.now() + this.leaseMs; // a peer that never answers (an older version) is waited for no longer
    this.setStatus('joining');
    this.logger.info({ livePeers }, 'waiting for the other daemons to lower their share of the carriers\' TPS before sending');
    clearInterval(this.joinTimer);
    this.joinTimer = setInterval(() => void this.renew(), POLL_MS);
    this.joinTimer.unref();
  }

  private finishJoin(): void {
    clearInterval(this.joinTimer);
    this.joinGen = 0;
    if (!this.joinSettle) { this.setStatus('held'); return; }
    this.joinTimer = setTimeout(() => { if (this.status === 'joining') this.setStatus('held'); }, SHARE_SETTLE_MS);
    this.joinTimer.unref();
  }

  start(): void {
    // At most a second apart: a joining daemon waits for every peer's next renewal before it sends.
    this.renewTimer = setInterval(() => void this.renew(), Math.max(200, Math.min(1000, Math.floor(this.leaseMs / 3))));
    this.peerTimer = setInterval(() => void this.recoverPeers(), this.leaseMs);
    this.renewTimer.unref(); this.peerTimer.unref();
  }

  /**
   * A reload changed queue.leaseMs (the store already writes the new lifetime). The renewal period
   * follows at once (a third of it, at most a second): kept at the old one, a shorter lease would lapse between two renewals and a
   * peer could take this daemon's in-flight jobs. Renewing now gives the key its new lifetime at once.
   */
  setLeaseMs(ms: number): void {
    if (ms === this.leaseMs) return;
    this.logger.info({ from: this.leaseMs, to: ms, renewEveryMs: Math.max(200, Math.min(1000, Math.floor(ms / 3))) }, 'lease time changed');
    this.leaseMs = ms;
    if (this.renewTimer === undefined) return; // not started (or released): start() uses the new value
    clearInterval(this.renewTimer); clearInterval(this.peerTimer);
    this.start();
    void this.renew();
  }

  /** One renewal at a time; one asked for meanwhile runs right after. */
  private renew(): Promise<void> {
    if (this.renewing) { this.renewAgain = true; return this.renewing; }
    this.renewing = this.renewOnce().finally(() => {
      this.renewing = undefined;
      if (this.renewAgain) { this.renewAgain = false; void this.renew(); }
    });
    return this.renewing;
  }

  private async renewOnce(): Promise<void> {
    if (this.status === 'lost') { await this.retake(); return; }
    if (this.status !== 'held' && this.status !== 'joining') return;
    const joining = Math.max(this.joinGen, 0);
    try {
      const r = await this.store.renewLease(this.daemon, this.token, this.appliedGen, joining);
      if (!r.held) { this.lost(); return; }
      const { gen, behind } = r;
      this.count.see(r.liveDaemons); // a lower share applies at once, before the generation is acknowledged below
      if (gen !== this.appliedGen) { this.appliedGen = gen; this.renewAgain = true; }
      if (joining > 0 && this.joinGen === joining && (behind === 0 || Date.now() >= this.joinUntilMs)) this.finishJoin();
    } catch (e) {
      this.logger.warn({ err: e }, 'lease renewal failed');
    }
  }

  /** Called by the dispatcher when a script says the lease is not held. */
  lost(): void {
    if (this.status !== 'held' && this.status !== 'joining') return;
    clearInterval(this.joinTimer); clearTimeout(this.joinTimer);
    this.joinGen = 0;
    this.logger.error({ daemon: this.daemon }, 'lease lost: no PDU is written until it is taken again');
    this.setStatus('lost');
  }

  private async retake(): Promise<void> {
    if (this.inFlight() > 0) return; // wait for what is on the wire to come back first
    try {
      const token = randomUUID();
      const res = await this.store.recover(this.daemon, token, 'start', this.token);
      if (res.kind === 'recovered') { this.joined(token, res, true); return; }
      if (!this.takenLogged) {
        this.takenLogged = true;
        this.logger.error({ daemon: this.daemon, code: 'INSTANCE_IN_USE' }, 'another process holds the lease of this instanceId: '
          + 'this daemon writes nothing and takes the lease only if it lapses; give each daemon its own instanceId');
      }
    } catch (e) { this.logger.warn({ err: e }, 'lease not taken yet'); }
  }

  private async recoverPeers(): Promise<void> {
    if (!this.held) return;
    try {
      const res = await this.store.recover(this.daemon, this.token, 'peers');
      if (res.kind === 'not-held') this.lost();
      else if (res.kind === 'recovered' && res.peers > 0) {
        const { requeued, unknown, resent, peers } = res;
        this.logger.warn({ requeued, unknown, resent, peers }, 'recovered the in-flight jobs of a dead peer');
      }
    } catch (e) {
      this.logger.warn({ err: e }, 'peer recovery failed');
    }
  }

  async release(): Promise<void> {
    clearInterval(this.renewTimer); clearInterval(this.peerTimer); clearInterval(this.joinTimer); clearTimeout(this.joinTimer);
    this.renewTimer = undefined;
    this.count.close();
    if (this.status === 'held' || this.status === 'joining') {
      try { await this.store.releaseLease(this.daemon, this.token, SHARE_SETTLE_MS); } catch (e) { this.logger.warn({ err: e }, 'lease release failed'); }
    }
    this.setStatus('released');
    for (const w of this.waiters.splice(0)) w();
  }
}
