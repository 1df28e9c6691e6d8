/**
 * The validated, resolved configuration (secrets already read from env/file).
 * Defaults and the YAML spelling are documented next to the validator in schema.ts.
 */
import type { JobClass } from '../types.js';

export type BindType = 'transceiver' | 'transmitter+receiver';
/** How long texts are split: 8-bit-ref UDH (default), 16-bit-ref UDH, SAR TLVs, or one message_payload. */
export type ConcatMode = 'udh8' | 'udh16' | 'sar' | 'payload';
/** How the SMSC writes message ids in receipts relative to submit_sm_resp. */
export type IdFormat = 'as-sent' | 'decimal' | 'hex';

export interface CarrierConfig {
  name: string;
  host: string;
  port: number;
  tls: boolean;
  /** PEM text of the CAs that vouch for the SMSC's certificate (read from tlsCaFile); absent: the system's CAs. */
  tlsCa?: string;
  /** PEM certificate chain smppd shows when the SMSC asks for one (tlsCertFile); absent: none (no mutual TLS). */
  tlsCert?: string;
  /** PEM private key of tlsCert, decrypted (tlsKeyFile, tlsKeyPassphrase); never printed or logged. */
  tlsKey?: string;
  systemId: string;
  password: string;
  systemType: string;
  bindType: BindType;
  binds: number; // sessions to keep open
  windowSize: number; // outstanding requests per session
  otpWindowSlots: number; // window slots (all binds) only OTP may fill; default windowSize × binds / 10
  tps: number; // carrier-wide submit_sm per second (all binds, all daemons)
  bindTps: number; // per session; 0 = tps / binds
  responseTimeoutMs: number;
  enquireLinkMs: number;
  bindTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  throttlePauseMs: number; // first pause after ESME_RTHROTTLED / ESME_RMSGQFUL; doubles up to reconnectMaxMs
  slowResponseMs: number; // response latency above this slows the bind down
  dropAfterTimeouts: number; // this many requests in a row unanswered close the session (it rebinds); 0 = never
  prefixes: string[]; // national number prefixes routed here, e.g. "134" (China: after +86)
  sourceTon: number;
  sourceNpi: number;
  destTon: number;
  destNpi: number;
  registeredDelivery: number; // 1 = receipt on final state
  dataCodingGsm: number; // data_coding for GSM 03.38 text, 0x00 by default
  dataCodingUcs2: number; // 0x08
  concat: ConcatMode;
  maxParts: number;
  signatureReserve: number; // characters the carrier appends itself (its own signature)
  optOut: 'append' | 'reject';
  idFormat: IdFormat;
}

export interface RedisConfig {
  url: string; // redis://, rediss:// (TLS)
  prefix: string; // key prefix, e.g. "smppd:"
  username?: string;
  password?: string;
  sentinels?: { host: string; port: number }[];
  sentinelName?: string; // the monitored master's name (default mymaster)
  sentinelPassword?: string; // AUTH for the sentinels themselves, when they require it
}

export interface Config {
  instanceId: string; // stable per daemon: its in-flight table is found again after a restart
  redis: RedisConfig;
  metrics: { host: string; port: number }; // port 0 = off
  log: { level: string };
  pool: { threads: number; batchSize: number };
  intake: { batchSize: number; blockMs: number };
  queue: {
    claimBatch: number;
    leaseMs: number;
    eventsMaxLen: number;
    moMaxLen: number;
    receiptTtlDays: number;
    maxAttempts: number;
    /** Dead letters kept (settle.lua drops the oldest beyond it). */
    deadMax: number;
    retryBaseMs: number;
    retryMaxMs: number;
    marketingShare: number; // minimum share of each claim for marketing when it has work (0..1)
    retentionMs: number; // how long a final job's hash is kept, and entries of events, mo and orphans
    earlyReceiptMs: number; // a receipt without its mapping waits this long, then goes to the orphans stream
    moPartialMs: number; // a concatenated MO still missing parts after this is delivered as partial
    maxScheduleDays: number; // a job's sendAt at most this far ahead, its expiresAt at most this long after sending
    streamRetentionMs: number; // a job stream entry is kept this long (ms by Redis's clock), never past the group's oldest unstored entry
  };
  text: {
    signature: string; // e.g. "【Acme】", prepended when the text has none; "" = none
    optOutLine: string; // "回复TD退订"
    defaultFrom: string;
  };
  routing: {
    countryCode: string; // "86": numbers without one are taken as this country's
    default: string | null; // carrier name for everything unmatched, or null (unroutable)
  };
  care: {
    quietHours: { start: string; end: string; defaultTz: string }; // "21:00", "08:00"; start = end: none (docs/CARE.md)
    caps: Partial<Record<JobClass, { limit: number; period: 'day' | 'week' | 'month' }>>;
    dedupWindowMs: number;
    dedupByContent: boolean; // recipient + text when the job has no dedupKey
    optOutKeywords: string[];
    invalidErrorCodes: string[]; // receipt err: codes that mark a number invalid
    invalidSubmitStatuses: number[]; // submit_sm_resp command_status values that mark a number invalid
    invalidForMs: number;
  };
  shutdown: { drainMs: number };
  carriers: CarrierConfig[];
}
