/**
 * Every metric smppd exports (docs/OPERATIONS.md, "Metrics"): `smppd_` prefix, base units, `_total` counters,
 * never a phone number or a message id as a label. Known label sets are touched at start so a
 * counter shows 0 rather than nothing. docs/OPERATIONS.md lists them; test/obs/metrics.test.ts checks.
 */
import client from 'prom-client';
import { JOB_CLASSES, type Protocol } from '../types.js';
import { HEALTH_STATUSES, type HealthStatus } from '../carrier/channel-health.js';
import { ErrorCodes } from '../errors.js';
import { CounterTally } from './tally.js';
import { Status, type StatusName } from '../smpp/pdu-header.js';

export const SUBMIT_RESULTS = ['ok', 'throttled', 'transient', 'permanent', 'no_answer', 'not_written'] as const;
export type SubmitResult = (typeof SUBMIT_RESULTS)[number];
/** SMPP 3.4 §5.1.3 command_status values seen on submit_sm_resp often enough to be named in a label. */
const LABELLED: readonly StatusName[] = [
  'ESME_ROK', 'ESME_RSYSERR', 'ESME_RINVSRCADR', 'ESME_RINVDSTADR', 'ESME_RMSGQFUL', 'ESME_RSUBMITFAIL', 'ESME_RTHROTTLED',
  'ESME_RINVSCHED', 'ESME_RINVEXPIRY', 'ESME_RX_T_APPN', 'ESME_RX_P_APPN', 'ESME_RX_R_APPN', 'ESME_RUNKNOWNERR',
];
const STATUS_NAMES: Record<number, string> = Object.fromEntries(LABELLED.map((n) => [Status[n], n]));
const seenStatuses = new Set<string>();

/**
 * A bounded label for a response status: SMPP's command_status by name, else its hex form; CMPP's Result as
 * `CMPP_<n>`; "other" once 64 unnamed values are in use.
 */
export function statusLabel(status: number, protocol: Protocol = 'smpp'): string {
  const named = protocol === 'smpp' ? STATUS_NAMES[status] : undefined;
  if (named) return named;
  const hex = protocol === 'cmpp' ? `CMPP_${status}` : `0x${(status >>> 0).toString(16).padStart(8, '0')}`;
  if (seenStatuses.has(hex)) return hex;
  if (seenStatuses.size >= 64) return 'other';
  seenStatuses.add(hex);
  return hex;
}

/** A job's final states (README, Events); smppd_jobs_final_total counts each job's one final outcome. */
export const FINAL_STATES = ['delivered', 'undeliverable', 'expired', 'rejected', 'failed', 'unknown', 'unconfirmed'] as const;

export const RECEIPT_STATES = ['DELIVRD', 'UNDELIV', 'EXPIRED', 'REJECTD', 'DELETED', 'UNKNOWN', 'ENROUTE', 'ACCEPTD', 'other'] as const;
/** unmatched: no mapping within queue.earlyReceiptMs; unreadable: marked as a receipt but naming no message or state. */
export const ORPHAN_REASONS = ['unmatched', 'unreadable'] as const;

/** A carrier as metrics know it: its name alone (one channel named as itself), or with its channels. */
export type CarrierChannels = string | { name: string; channels: readonly { name: string }[] };

export class Metrics {
  readonly registry = new client.Registry();
  readonly submits; readonly submitLatency; readonly windowInUse; readonly throttles; readonly bindsUp;
  readonly reconnects; readonly badPdus; readonly receipts; readonly receiptLatency; readonly receiptOrphans; readonly receiptsHeld;
  readonly moPartial;
  /** Per-message counts of submits, responses and receipts: add here, not inc() (tally.ts). */
  readonly submitCounts: CounterTally; readonly responseCounts: CounterTally; readonly receiptCounts: CounterTally;
  readonly queueDepth; readonly queueOldestAge; readonly scheduleSize; readonly rejects; readonly ingested;
  readonly responses; readonly deadLetters; readonly mo; readonly optOuts; readonly poolUtilization; readonly redisLatency; readonly leaseHeld; readonly buildInfo;
  readonly tlsCertExpiry; readonly jobsFinal; readonly channelHealth; readonly healthChanges;
  /** Each channel's carrier: the wire's metrics are labelled by both. */
  private readonly carrierOf = new Map<string, string>();

  /** `carriers`: names (a carrier with one channel named as itself) or carriers with their channels. */
  constructor(opts: { carriers: CarrierChannels[]; version: string; defaultMetrics?: boolean }) {
    const r = [this.registry];
    const carrier = ['carrier'];
    const wire = ['carrier', 'channel'];
    const ofChannel = (ch: string) => ({ carrier: this.carrierOf.get(ch) ?? ch });
    this.submits = new client.Counter({ name: 'smppd_submits_total', help: 'message parts (submit_sm, CMPP_SUBMIT) answered or given up, by carrier, channel and result', labelNames: ['carrier', 'channel', 'result'], registers: r,
      collect: () => this.submitCounts.flush() });
    this.submitCounts = new CounterTally(this.submits, 'channel', 'result', ofChannel);
    this.submitLatency = new client.Histogram({ name: 'smppd_submit_latency_seconds', help: 'a part\'s submit to its response', labelNames: wire, registers: r,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
    this.windowInUse = new client.Gauge({ name: 'smppd_window_in_use', help: 'requests awaiting a response', labelNames: carrier, registers: r });
    this.responses = new client.Counter({ name: 'smppd_responses_total', help: 'submit responses by status (SMPP command_status named for the common ones, hex otherwise; CMPP_<Result>; "other" past 64 values)', labelNames: ['carrier', 'channel', 'status'], registers: r,
      collect: () => this.responseCounts.flush() });
    this.responseCounts = new CounterTally(this.responses, 'channel', 'status', ofChannel);
    this.deadLetters = new client.Gauge({ name: 'smppd_dead_letters', help: 'jobs in the dead-letter set (attempts exhausted)', registers: r });
    this.throttles = new client.Counter({ name: 'smppd_throttles_total', help: 'throttling answers that paused a bind (ESME_RTHROTTLED / ESME_RMSGQFUL, CMPP Result 8)', labelNames: wire, registers: r });
    this.bindsUp = new client.Gauge({ name: 'smppd_binds_up', help: 'bound sessions that can submit', labelNames: wire, registers: r });
    this.reconnects = new client.Counter({ name: 'smppd_reconnects_total', help: 'session reconnect attempts', labelNames: wire, registers: r });
    this.badPdus = new client.Counter({ name: 'smppd_bad_pdus_total', help: 'malformed or unexpected PDUs from the peer (session closed and rebound)', labelNames: wire, registers: r });
    this.channelHealth = new client.Gauge({ name: 'smppd_channel_health', help: '1 for the health a channel is in (healthy takes new messages; docs/CHANNELS.md, Failover), 0 for the others', labelNames: ['carrier', 'channel', 'status'], registers: r });
    this.healthChanges = new client.Counter({ name: 'smppd_channel_health_changes_total', help: 'changes of a channel\'s health, by the health it went to', labelNames: ['carrier', 'channel', 'status'], registers: r });
    this.receipts = new client.Counter({ name: 'smppd_receipts_total', help: 'delivery receipts by carrier and stat', labelNames: ['carrier', 'state'], registers: r,
      collect: () => this.receiptCounts.flush() });
    this.receiptCounts = new CounterTally(this.receipts, 'carrier', 'state');
    this.receiptLatency = new client.Histogram({ name: 'smppd_receipt_latency_seconds', help: 'submit to final receipt', labelNames: carrier, registers: r,
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600] });
    this.receiptOrphans = new client.Counter({ name: 'smppd_receipt_orphans_total', help: 'receipts kept in the orphans stream: unmatched after queue.earlyReceiptMs, or unreadable', labelNames: ['carrier', 'reason'], registers: r });
    this.receiptsHeld = new client.Counter({ name: 'smppd_receipts_held_total', help: 'receipts that arrived before their message id mapping and were held', labelNames: carrier, registers: r });
    this.moPartial = new client.Counter({ name: 'smppd_mo_partial_total', help: 'concatenated MOs delivered incomplete after queue.moPartialMs', labelNames: carrier, registers: r });
    this.queueDepth = new client.Gauge({ name: 'smppd_queue_depth', help: 'jobs waiting in a ready lane', labelNames: ['carrier', 'class'], registers: r });
    this.queueOldestAge = new client.Gauge({ name: 'smppd_queue_oldest_age_seconds', help: 'age of the oldest job in a ready lane', labelNames: ['carrier', 'class'], registers: r });
    this.scheduleSize = new client.Gauge({ name: 'smppd_schedule_size', help: 'jobs waiting for their time (sendAt, backoff, quiet hours)', labelNames: carrier, registers: r });
    this.rejects = new client.Counter({ name: 'smppd_rejects_total', help: 'jobs rejected, by error code', labelNames: ['reason'], registers: r });
    this.jobsFinal = new client.Counter({ name: 'smppd_jobs_final_total', help: 'jobs that reached their final state, by carrier, class and state ("none": a job rejected before it had one)', labelNames: ['carrier', 'class', 'state'], registers: r });
    this.ingested = new client.Counter({ name: 'smppd_jobs_ingested_total', help: 'jobs read from the jobs stream', registers: r });
    this.mo = new client.Counter({ name: 'smppd_mo_total', help: 'mobile-originated messages received', labelNames: carrier, registers: r });
    this.optOuts = new client.Counter({ name: 'smppd_optouts_total', help: 'opt-outs from MO keywords', labelNames: carrier, registers: r });
    this.poolUtilization = new client.Gauge({ name: 'smppd_pool_utilization_ratio', help: 'worker pool utilisation (0..1)', registers: r });
    this.redisLatency = new client.Histogram({ name: 'smppd_redis_latency_seconds', help: 'Redis script round trip', labelNames: ['op'], registers: r,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1] });
    this.leaseHeld = new client.Gauge({ name: 'smppd_lease_held', help: '1 while this daemon holds its lease in Redis', registers: r });
    // Set only for carriers with a client certificate: an expired one ends every bind at the handshake.
    this.tlsCertExpiry = new client.Gauge({ name: 'smppd_tls_client_cert_expiry_timestamp_seconds', help: 'end of validity of the carrier\'s TLS client certificate (tlsCertFile), Unix time', labelNames: carrier, registers: r });
    this.buildInfo = new client.Gauge({ name: 'smppd_build_info', help: 'version of smppd and node', labelNames: ['version', 'node'], registers: r });
    this.buildInfo.set({ version: opts.version, node: process.versions.node }, 1);
    if (opts.defaultMetrics !== false) client.collectDefaultMetrics({ register: this.registry, prefix: 'smppd_' });
    this.touch(opts.carriers);
  }

  /** The client certificates' ends of validity by carrier, replacing the last set (start and reload). */
  certExpiries(notAfterMs: Record<string, number>): void {
    this.tlsCertExpiry.reset();
    for (const [c, ms] of Object.entries(notAfterMs)) this.tlsCertExpiry.set({ carrier: c }, Math.floor(ms / 1000));
  }

  /** Final outcomes as the scripts report them (script-calls/settings.ts takeFinals); '' = the job had no carrier or class yet. */
  countFinal(carrier: string, cls: string, state: string, n: number): void {
    this.jobsFinal.inc({ carrier: carrier || 'none', class: cls || 'none', state }, n);
  }

  /** A channel's health, the one gauge value of 1 among its statuses; `changed`: counted as a change. */
  health(carrier: string, channel: string, status: HealthStatus, changed = true): void {
    for (const s of HEALTH_STATUSES) this.channelHealth.set({ carrier, channel, status: s }, s === status ? 1 : 0);
    if (changed) this.healthChanges.inc({ carrier, channel, status });
  }

  /** Labelled series appear only once touched: initialise every known label set to 0. */
  touch(carriers: CarrierChannels[]): void {
    for (const cc of carriers) {
      const c = typeof cc === 'string' ? cc : cc.name;
      for (const ch of typeof cc === 'string' ? [cc] : cc.channels.map((x) => x.name)) {
        this.carrierOf.set(ch, c);
        const w = { carrier: c, channel: ch };
        for (const res of SUBMIT_RESULTS) this.submits.inc({ ...w, result: res }, 0);
        for (const st of Object.values(STATUS_NAMES)) this.responses.inc({ ...w, status: st }, 0);
        this.throttles.inc(w, 0); this.reconnects.inc(w, 0); this.badPdus.inc(w, 0); this.bindsUp.set(w, 0);
        for (const s of HEALTH_STATUSES) this.healthChanges.inc({ ...w, status: s }, 0);
      }
      for (const s of RECEIPT_STATES) this.receipts.inc({ carrier: c, state: s }, 0);
      for (const reason of ORPHAN_REASONS) this.receiptOrphans.inc({ carrier: c, reason }, 0);
      this.receiptsHeld.inc({ carrier: c }, 0); this.moPartial.inc({ carrier: c }, 0);
      this.mo.inc({ carrier: c }, 0); this.optOuts.inc({ carrier: c }, 0);
      this.windowInUse.set({ carrier: c }, 0); this.scheduleSize.set({ carrier: c }, 0);
      for (const cls of JOB_CLASSES) { this.queueDepth.set({ carrier: c, class: cls }, 0); this.queueOldestAge.set({ carrier: c, class: cls }, 0); }
      for (const cls of JOB_CLASSES) for (const state of FINAL_STATES) this.jobsFinal.inc({ carrier: c, class: cls, state }, 0);
    }
    for (const code of Object.keys(ErrorCodes)) this.rejects.inc({ reason: code }, 0);
    this.jobsFinal.inc({ carrier: 'none', class: 'none', state: 'rejected' }, 0);
  }
}
