/**
 * The validated, resolved configuration (secrets already read from env/file).
 * Defaults and the YAML spelling are documented next to the validator in schema.ts.
 */
import type { JobClass, Protocol } from '../types.js';

export type BindType = 'transceiver' | 'transmitter+receiver';
/** How long texts are split: 8-bit-ref UDH (default), 16-bit-ref UDH, SAR TLVs, or one message_payload. */
export type ConcatMode = 'udh8' | 'udh16' | 'sar' | 'payload';
/** How the SMSC writes message ids in receipts relative to submit_sm_resp. */
export type IdFormat = 'as-sent' | 'decimal' | 'hex';

/** CMPP 2.0 / 3.0 fields of a channel (docs/CHANNELS.md); its Source_Addr is `systemId`, its shared secret `password`. */
export interface CmppChannelOptions {
  version: '2.0' | '3.0';
  spNumber: string; // Src_Id: the SP's service number (e.g. 1065712345); a job's `from` digits are appended as its extension
  serviceId: string; // Service_Id, up to 10 characters
  feeUserType: number; // Fee_UserType 0..3
  feeTerminalId: string; // Fee_terminal_Id when feeUserType is 3
  feeType: string; // FeeType, 2 characters ("01" free ... "05")
  feeCode: string; // FeeCode, up to 6 characters
  msgLevel: number; // Msg_level 0..9
  tpPid: number; // TP_pId
  linkId: string; // LinkID (3.0 only), up to 20 characters
}

/** One way to reach a carrier: a protocol, a peer, its logins and how its PDUs are written. */
export interface ChannelConfig {
  name: string; // unique among all channels; a carrier's only channel built from the carrier-level form is named as the carrier
  protocol: Protocol;
  priority: number; // 1 = first; a higher number takes traffic only while every lower one cannot
  weight: number; // share among the channels of the same priority
  host: string;
  port: number;
  tls: boolean;
  /** PEM text of the CAs that vouch for the SMSC's certificate (read from tlsCaFile); absent: the system's CAs. */
  tlsCa?: string;
  /** PEM certificate chain smppd shows when the SMSC asks for one (tlsCertFile); absent: none (no mutual TLS). */
  tlsCert?: string;
  /** PEM private key of tlsCert, decrypted (tlsKeyFile, tlsKeyPassphrase); never printed or logged. */
  tlsKey?: string;
  systemId: string; // SMPP system_id; CMPP Source_Addr (the SP's enterprise code)
  password: string; // SMPP password; CMPP shared secret
  systemType: string;
  bindType: BindType;
  binds: number; // sessions to keep open
  windowSize: number; // outstanding requests per session
  tps: number; // submits per second over this channel (all binds, all daemons)
  bindTps: number; // per session; 0 = tps / binds
  responseTimeoutMs: number;
  enquireLinkMs: number; // keep-alive (SMPP enquire_link, CMPP ACTIVE_TEST) after this much idle time
  bindTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  throttlePauseMs: number; // first pause after a throttling answer; doubles up to reconnectMaxMs
  slowResponseMs: number; // response latency above this slows the bind down
  dropAfterTimeouts: number; // this many requests in a row unanswered close the session (it rebinds); 0 = never
  sourceTon: number;
  sourceNpi: number;
  destTon: number;
  destNpi: number;
  registeredDelivery: number; // 1 = receipt on final state
  dataCodingGsm: number; // data_coding for GSM 03.38 text, 0x00 by default
  dataCodingUcs2: number; // 0x08
  concat: ConcatMode;
  idFormat: IdFormat;
  cmpp?: CmppChannelOptions; // present when protocol is 'cmpp'
}

/** The channel fields a carrier-level config may hold (its channels' defaults, or its only channel). */
export type ChannelFields = Omit<ChannelConfig, 'name' | 'protocol' | 'priority' | 'weight' | 'cmpp'>;

/** When a channel stops taking new messages and when it takes them again (docs/CHANNELS.md, "Failover"). */
export interface FailoverConfig {
  afterMs: number; // no bound session for this long: the channel fails
  windowMs: number; // the answers judged are those of the last windowMs
  maxPermanentShare: number; // 0..1: above this share of permanent refusals the channel fails
  maxThrottleShare: number; // 0..1: above this share of throttling answers the channel fails
  minAnswers: number; // fewer answers than this in the window prove nothing either way
}

/** A routing target: the numbers it serves, how its texts are cut, and its channels in priority order. */
export interface CarrierConfig {
  name: string;
  prefixes: string[]; // national number prefixes routed here, e.g. "134" (China: after +86)
  otpWindowSlots: number; // window slots (all binds) only OTP may fill; default windowSize × binds / 10
  maxParts: number;
  signatureReserve: number; // characters the carrier appends itself (its own signature)
  optOut: 'append' | 'reject';
  failover: FailoverConfig;
  /** Never empty; ordered by priority. A carrier written without `channels` has one, named as itself. */
  channels: ChannelConfig[];
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
    /** Which states write an event: every state, or only final ones (store/script-calls/settings.ts eventsArg). */
    events: 'all' | 'finals';
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
