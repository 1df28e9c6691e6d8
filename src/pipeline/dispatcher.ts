/**
 * The send loop of one carrier: claim a batch, which marks it submitting (S) in Redis, THEN write the
 * PDUs, and settle every answer in batches (docs/ARCHITECTURE.md,
 * "The path of a job" and "State of a job (Redis is the truth)"). It claims no more parts than the
 * carrier can put on the wire now (free window slots bounded by the rate budget). OTP answers are
 * settled by a batcher of their own, so an OTP's `submitted` does not wait behind a bulk settle batch.
 */
import type { Logger } from 'pino';
import type { MessageBodies } from '../types.js';
import type { ChannelOutcome } from '../carrier/carrier-bind.js';
import type { Claimed, QueueStore, SettleRecord, SettleStatus } from '../store/queue-store.js';
import { statusLabel, type Metrics } from '../obs/metrics.js';
import type { LeaseKeeper } from './lease-keeper.js';
import type { Batcher } from './batcher.js';
import { resultOf, settleRecordFor, type NormaliseId } from './outcome-policy.js';

/** What the dispatcher needs of a carrier (src/carrier/carrier.ts). */
export interface CarrierPort {
  readonly name: string;
  capacity(keepSlots?: number): number;
  whenCapacity(keepSlots?: number): Promise<void>;
  /** Tells `done` of each message's part outcomes, all of one channel, each naming it, on a later turn. */
  sendEach(messages: MessageBodies[], done: (m: number, outcomes: ChannelOutcome[]) => void): void;
}

/** How long after the last OTP its window slots stay kept. */
export const OTP_ACTIVE_MS = 60_000;

export type DispatcherStatus = 'idle' | 'running' | 'stopping' | 'stopped';

export interface DispatcherDeps {
  store: QueueStore;
  lease: LeaseKeeper;
  settle: Batcher<SettleRecord, SettleStatus>;
  /** For OTP answers: a settle write of its own, in flight beside a bulk one. */
  settleOtp: Batcher<SettleRecord, SettleStatus>;
  metrics: Metrics;
  logger: Logger;
  daemon: string;
  /** Most parts per claim; read at every claim, so a reload applies it to the next one. */
  claimBatch: () => number;
  idlePollMs: number;
  /** Window slots only OTP may fill (carrier otpWindowSlots). */
  otpWindowSlots: number;
  /** The canonical form of a message id a response on `channel` named. */
  normaliseId: NormaliseId;
}

export class Dispatcher {
  status: DispatcherStatus = 'idle';
  /**
   * Messages written or being written whose answers are not settled yet, plus one while a claim is
   * running: the lease keeper recovers this daemon's in-flight table only when this is 0 everywhere.
   */
  inFlight = 0;
  private wakeUp: (() => void) | undefined;
  private loopDone: Promise<void> | undefined;
  private idleWaiters: (() => void)[] = [];
  /** An OTP was queued since the last claim: claim into the kept slots too. */
  private otpQueued = false;
  /** When this daemon's intake last queued an OTP for this carrier. */
  private otpAtMs = Number.NEGATIVE_INFINITY;

  constructor(private carrier: CarrierPort, private d: DispatcherDeps) {}

  private setStatus(to: DispatcherStatus): void {
    this.d.logger.info({ carrier: this.carrier.name }, `dispatcher ${this.status} -> ${to}`);
    this.status = to;
  }

  start(): void {
    if (this.status !== 'idle') return;
    this.setStatus('running');
    this.loopDone = this.loop();
  }

  /** OTPs come for this carrier: one was queued within OTP_ACTIVE_MS. */
  get otpActive(): boolean { return performance.now() - this.otpAtMs < OTP_ACTIVE_MS; }

  /** New work may be waiting (intake just queued some): claim now instead of at the next poll. */
  wake(otp = false): void {
    if (otp) {
      this.otpQueued = true;
      this.otpAtMs = performance.now();
    }
    this.wakeUp?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((res) => {
      const done = (): void => {
        clearTimeout(t);
        if (this.wakeUp === done) this.wakeUp = undefined;
        res();
      };
      const t = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private async loop(): Promise<void> {
    const { store, lease, daemon } = this.d;
    while (this.status === 'running') {
      if (!lease.held) { await Promise.race([lease.whenHeld(), this.sleep(500)]); continue; }
      // Slots are kept only while OTPs come (one in the last OTP_ACTIVE_MS): a carrier whose window, not
      // its rate, bounds it would otherwise lose that share of its throughput with no OTP to gain it.
      // The kept slots are claimed into when an OTP was queued, and every idlePollMs (an OTP another
      // daemon queued, or one promoted from the schedule).
      const keep = this.otpActive ? this.d.otpWindowSlots : 0;
      const waitKeep = this.otpQueued ? 0 : keep;
      if (this.carrier.capacity(waitKeep) <= 0) await Promise.race([this.carrier.whenCapacity(waitKeep), this.sleep(this.d.idlePollMs)]);
      if (this.status !== 'running') break;
      const cap = Math.min(this.carrier.capacity(), this.d.claimBatch());
      if (cap <= 0) continue;
      const rest = Math.min(cap, this.carrier.capacity(keep));
      // The lease may have been given up while this loop waited for capacity (a failed claim elsewhere).
      if (!lease.held) continue;
      this.otpQueued = false;
      let claimed: Claimed[] | 'lease-lost' | undefined;
      let error: unknown;
      const t0 = performance.now();
      this.inFlight++;
      try {
        claimed = await store.claim(daemon, lease.token, this.carrier.name, cap, rest);
        this.d.metrics.redisLatency.observe({ op: 'claim' }, (performance.now() - t0) / 1000);
      } catch (e) {
        error = e;
      }
      this.inFlight--;
      this.notifyIdle();
      if (claimed === undefined) {
        // The script may have run with its reply lost: jobs marked S for us that we never got, so never
        // wrote. Giving the lease up makes the keeper take it again once our in-flight work is back, and
        // taking it recovers our own in-flight table, naming this claim (QueueStore.lostClaims) so those
        // jobs go back to the head of their lanes.
        this.d.logger.error({ err: error, carrier: this.carrier.name }, 'claim failed; the lease is taken again to recover what it may have claimed');
        lease.lost();
        await this.sleep(500);
        continue;
      }
      if (claimed === 'lease-lost') { lease.lost(); continue; }
      if (claimed.length === 0) {
        if (rest > 0) await this.sleep(this.d.idlePollMs); // else: wait for slots beyond the kept ones (above)
        continue;
      }
      this.send(claimed);
    }
  }

  /** Writes claimed jobs at once: the claim marked them S, and the lease was held when it ran. */
  private send(claimed: Claimed[]): void {
    const { metrics } = this.d;
    this.inFlight += claimed.length;
    const bodies: MessageBodies[] = new Array(claimed.length);
    for (let i = 0; i < claimed.length; i++) bodies[i] = claimed[i]!.bodies;
    this.carrier.sendEach(bodies, (i, outcomes) => {
      const { id, otp, job } = claimed[i]!;
      for (const o of outcomes) {
        metrics.submitCounts.add(o.channel, resultOf(o));
        if (o.kind === 'response') {
          metrics.submitLatency.observe({ carrier: this.carrier.name, channel: o.channel }, o.latencyMs / 1000);
          metrics.responseCounts.add(o.channel, statusLabel(o.status, o.protocol));
        }
      }
      this.settleOne(settleRecordFor(id, job, outcomes, this.d.normaliseId), otp);
    });
  }

  /** A callback, not a promise, per message (Batcher.push): the hot path. */
  private settleOne(r: SettleRecord, otp: boolean): void {
    (otp ? this.d.settleOtp : this.d.settle).push(r, this.settled);
  }

  private readonly settled = (ok: boolean, _res: string | undefined, e: unknown, r: SettleRecord): void => {
    if (!ok) this.d.logger.error({ err: e, job: r.id }, 'settle gave up; recovery will finish this job');
    this.inFlight--;
    this.notifyIdle();
  };

  private notifyIdle(): void {
    if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Stop claiming; resolve once every message already claimed has been settled. */
  async stop(): Promise<void> {
    if (this.status === 'stopped') return;
    if (this.status === 'running') this.setStatus('stopping');
    this.wake();
    await this.loopDone;
    if (this.inFlight > 0) await new Promise<void>((res) => this.idleWaiters.push(res));
    this.setStatus('stopped');
  }
}
