/** A complete, valid Config for tests: three carriers on 127.0.0.1 with the default China prefixes. */
import { failover } from '../../src/config/carrier-schema.js';
import type { CarrierConfig, ChannelFields, Config, FailoverConfig } from '../../src/config/types.js';
import { CHINA_PREFIXES } from '../../src/route/china-prefixes.js';

/** A carrier in the carrier-level form: its own fields and one channel's, side by side (`failover` absent: its defaults). */
export type CarrierLevelForm = Omit<CarrierConfig, 'channels' | 'failover'> & { failover?: FailoverConfig } & ChannelFields;

/** The carrier a config file writes in the carrier-level form: one SMPP channel named as the carrier. */
export function withOneChannel(c: CarrierLevelForm): CarrierConfig {
  const { name, prefixes, otpWindowSlots, maxParts, signatureReserve, optOut, failover: f, ...fields } = c;
  return {
    name, prefixes, otpWindowSlots, maxParts, signatureReserve, optOut, failover: f ?? failover.parse({}),
    channels: [{ name, protocol: 'smpp', priority: 1, weight: 1, ...fields }],
  };
}

export function testCarrier(name: string, port: number, prefixes: string[], over: Partial<CarrierLevelForm> = {}): CarrierConfig {
  return withOneChannel({
    name,
    host: '127.0.0.1',
    port,
    tls: false,
    systemId: name,
    password: 'secret',
    systemType: '',
    bindType: 'transceiver',
    binds: 1,
    windowSize: 10,
    otpWindowSlots: 0,
    tps: 100,
    bindTps: 0,
    responseTimeoutMs: 2000,
    enquireLinkMs: 30000,
    bindTimeoutMs: 2000,
    reconnectMinMs: 100,
    reconnectMaxMs: 2000,
    throttlePauseMs: 200,
    slowResponseMs: 1000,
    dropAfterTimeouts: 3,
    prefixes: [...prefixes],
    sourceTon: 5,
    sourceNpi: 0,
    destTon: 1,
    destNpi: 1,
    registeredDelivery: 1,
    dataCodingGsm: 0,
    dataCodingUcs2: 8,
    concat: 'udh8',
    maxParts: 10,
    signatureReserve: 0,
    optOut: 'append',
    idFormat: 'as-sent',
    ...over,
  });
}

/** `overrides` replaces top-level sections (shallowly merged) and, with `carriers`, the carrier list. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const base: Config = {
    instanceId: 'test-1',
    redis: { url: 'redis://127.0.0.1:6379', prefix: 'smppd-test:' },
    metrics: { host: '127.0.0.1', port: 0 },
    log: { level: 'silent' },
    pool: { threads: 1, batchSize: 100 },
    intake: { batchSize: 100, blockMs: 100 },
    queue: {
      claimBatch: 100,
      leaseMs: 10000,
      eventsMaxLen: 100000,
      events: 'all',
      moMaxLen: 100000,
      receiptTtlDays: 3,
      deadMax: 100000,
      maxAttempts: 3,
      retryBaseMs: 1000,
      retryMaxMs: 60000,
      marketingShare: 0.1,
      retentionMs: 86_400_000,
      earlyReceiptMs: 600_000,
      moPartialMs: 600_000,
      maxScheduleDays: 30,
      streamRetentionMs: 3_600_000,
    },
    text: { signature: '', optOutLine: '回复TD退订', defaultFrom: '10690000' },
    routing: { countryCode: '86', default: 'cmcc' },
    care: {
      quietHours: { start: '21:00', end: '08:00', defaultTz: 'Asia/Shanghai' },
      caps: { marketing: { limit: 4, period: 'month' } },
      dedupWindowMs: 86_400_000,
      dedupByContent: false,
      optOutKeywords: ['TD', 'T', '退订', 'STOP', 'UNSUBSCRIBE'],
      invalidErrorCodes: [],
      invalidSubmitStatuses: [0x0b],
      invalidForMs: 30 * 86_400_000,
    },
    shutdown: { drainMs: 5000 },
    carriers: [
      testCarrier('cmcc', 2775, CHINA_PREFIXES.cmcc),
      testCarrier('cucc', 2776, CHINA_PREFIXES.cucc),
      testCarrier('ctcc', 2777, CHINA_PREFIXES.ctcc),
    ],
  };
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(overrides)) {
    const cur = out[k];
    out[k] = cur && typeof cur === 'object' && !Array.isArray(cur) && v && typeof v === 'object' && !Array.isArray(v) ? { ...cur, ...v } : v;
  }
  return out as unknown as Config;
}
