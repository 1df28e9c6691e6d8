/**
 * Turns parsed YAML into a validated Config. Every default is written here, next to its field,
 * and docs/CONFIG.md mirrors this file. Unknown fields are refused (a typo must not fall back
 * to a default silently). Secrets (`password`, `tlsKeyPassphrase`) may be a string, `{ env: NAME }` or `{ file: PATH }`.
 */
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { tlsCa, tlsClientCert } from './tls-files.js';
import { withOneChannel } from './channels.js';
import type { CarrierConfig, Config } from './types.js';
import type { JobClass } from '../types.js';
import { isTableName, TABLE_NAMES } from '../route/china-prefixes.js';
import {
  bool, clock, fail, int, isObj, join, known, num, obj, oneOf, str, strList, type Obj,
} from './validate.js';

const MS_DAY = 86_400_000;

/** `secret: "x" | { env: NAME } | { file: PATH }`: read now, never logged. */
export function secret(o: Obj, key: string, path: string, env: NodeJS.ProcessEnv, def?: string): string | undefined {
  const v = o[key];
  if (v === undefined) return def;
  if (typeof v === 'string') return v;
  const p = join(path, key);
  if (!isObj(v)) fail(p, 'must be a string, { env: NAME } or { file: PATH }');
  known(v, p, ['env', 'file']);
  if (typeof v.env === 'string') {
    const val = env[v.env];
    if (val === undefined) fail(p, `environment variable ${v.env} is not set`);
    return val;
  }
  if (typeof v.file === 'string') {
    try {
      return readFileSync(v.file, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      fail(p, `cannot read ${v.file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  fail(p, 'must name env or file');
}

/** A carrier's `prefixes`: number prefixes (`86134`, `134`, `+44`) or a built-in table's name (`china:cmcc`). */
function prefixList(v: Obj, path: string): string[] {
  const list = strList(v, 'prefixes', path, []);
  list.forEach((p, i) => {
    if (!/^\+?\d{1,15}$/.test(p) && !isTableName(p)) {
      fail(join(join(path, 'prefixes'), i), `must be digits or one of ${TABLE_NAMES.join(', ')}, got ${JSON.stringify(p)}`);
    }
  });
  return list;
}

/** SMPP command_status values: integers (YAML reads `0x0B` as 11). */
function statusList(o: Obj, key: string, path: string, def: number[]): number[] {
  const v = o[key] ?? def;
  if (!Array.isArray(v)) fail(join(path, key), 'must be a list');
  return v.map((x, i) => {
    if (!Number.isInteger(x) || (x as number) < 1 || (x as number) > 0xffffffff) {
      fail(join(join(path, key), i), `must be an SMPP command_status (an integer, e.g. 0x0B), got ${JSON.stringify(x)}`);
    }
    return x as number;
  });
}

const CARRIER_KEYS = [
  'name', 'host', 'port', 'tls', 'tlsCaFile', 'tlsCertFile', 'tlsKeyFile', 'tlsKeyPassphrase', 'systemId', 'password',
  'systemType', 'bindType', 'binds', 'windowSize',
  'tps', 'bindTps', 'responseTimeoutMs', 'enquireLinkMs', 'bindTimeoutMs', 'reconnectMinMs', 'reconnectMaxMs',
  'throttlePauseMs', 'slowResponseMs', 'dropAfterTimeouts', 'prefixes', 'sourceTon', 'sourceNpi', 'destTon', 'destNpi',
  'registeredDelivery', 'dataCodingGsm', 'dataCodingUcs2', 'concat', 'maxParts', 'signatureReserve',
  'optOut', 'idFormat', 'otpWindowSlots',
] as const;

function carrier(v: unknown, path: string, env: NodeJS.ProcessEnv): CarrierConfig {
  if (!isObj(v)) fail(path, 'must be a mapping');
  known(v, path, CARRIER_KEYS);
  const name = str(v, 'name', path);
  if (!/^[a-z0-9_-]{1,32}$/.test(name)) fail(join(path, 'name'), 'must be 1-32 of a-z 0-9 _ -');
  const binds = int(v, 'binds', path, 1, 1, 64);
  const windowSize = int(v, 'windowSize', path, 10, 1, 1000);
  const flat = {
    host: str(v, 'host', path),
    port: int(v, 'port', path, 2775, 1, 65535),
    tls: bool(v, 'tls', path, false),
    ...tlsCa(v, path),
    ...tlsClientCert(v, path, (o, k, p) => secret(o, k, p, env)),
    systemId: str(v, 'systemId', path),
    password: secret(v, 'password', path, env, '') ?? '',
    systemType: str(v, 'systemType', path, ''),
    bindType: oneOf(v, 'bindType', path, 'transceiver', ['transceiver', 'transmitter+receiver'] as const),
    binds,
    windowSize,
    otpWindowSlots: int(v, 'otpWindowSlots', path, Math.floor((windowSize * binds) / 10), 0, windowSize * binds - 1),
    tps: int(v, 'tps', path, 100, 1, 100_000),
    bindTps: int(v, 'bindTps', path, 0, 0, 100_000),
    responseTimeoutMs: int(v, 'responseTimeoutMs', path, 10_000, 100, 600_000),
    enquireLinkMs: int(v, 'enquireLinkMs', path, 30_000, 1000, 3_600_000),
    bindTimeoutMs: int(v, 'bindTimeoutMs', path, 10_000, 100, 600_000),
    reconnectMinMs: int(v, 'reconnectMinMs', path, 500, 10, 600_000),
    reconnectMaxMs: int(v, 'reconnectMaxMs', path, 30_000, 10, 3_600_000),
    throttlePauseMs: int(v, 'throttlePauseMs', path, 1000, 1, 600_000),
    slowResponseMs: int(v, 'slowResponseMs', path, 2000, 1, 600_000),
    dropAfterTimeouts: int(v, 'dropAfterTimeouts', path, 3, 0, 100_000),
    prefixes: prefixList(v, path),
    sourceTon: int(v, 'sourceTon', path, 5, 0, 6),
    sourceNpi: int(v, 'sourceNpi', path, 0, 0, 18),
    destTon: int(v, 'destTon', path, 1, 0, 6),
    destNpi: int(v, 'destNpi', path, 1, 0, 18),
    registeredDelivery: int(v, 'registeredDelivery', path, 1, 0, 31),
    dataCodingGsm: int(v, 'dataCodingGsm', path, 0, 0, 255),
    dataCodingUcs2: int(v, 'dataCodingUcs2', path, 8, 0, 255),
    concat: oneOf(v, 'concat', path, 'udh8', ['udh8', 'udh16', 'sar', 'payload'] as const),
    maxParts: int(v, 'maxParts', path, 10, 1, 255),
    signatureReserve: int(v, 'signatureReserve', path, 0, 0, 60),
    optOut: oneOf(v, 'optOut', path, 'append', ['append', 'reject'] as const),
    idFormat: oneOf(v, 'idFormat', path, 'as-sent', ['as-sent', 'decimal', 'hex'] as const),
  };
  return withOneChannel({ name, ...flat });
}

const TOP_KEYS = ['instanceId', 'redis', 'metrics', 'log', 'pool', 'intake', 'queue', 'text', 'routing', 'care', 'shutdown', 'carriers'] as const;

export function buildConfig(raw: unknown, env: NodeJS.ProcessEnv = {}): Config {
  if (!isObj(raw)) fail('(root)', 'must be a mapping');
  known(raw, '', TOP_KEYS);
  const r = obj(raw.redis, 'redis');
  known(r, 'redis', ['url', 'prefix', 'username', 'password', 'sentinels', 'sentinelName', 'sentinelPassword']);
  const m = obj(raw.metrics, 'metrics');
  known(m, 'metrics', ['host', 'port']);
  const lg = obj(raw.log, 'log');
  known(lg, 'log', ['level']);
  const p = obj(raw.pool, 'pool');
  known(p, 'pool', ['threads', 'batchSize']);
  const it = obj(raw.intake, 'intake');
  known(it, 'intake', ['batchSize', 'blockMs']);
  const q = obj(raw.queue, 'queue');
  known(q, 'queue', ['claimBatch', 'leaseMs', 'eventsMaxLen', 'moMaxLen', 'receiptTtlDays', 'maxAttempts',
    'retryBaseMs', 'retryMaxMs', 'marketingShare', 'retentionMs', 'earlyReceiptMs', 'moPartialMs',
    'maxScheduleDays', 'deadMax', 'streamRetentionMs', 'events']);
  const t = obj(raw.text, 'text');
  known(t, 'text', ['signature', 'optOutLine', 'defaultFrom']);
  const ro = obj(raw.routing, 'routing');
  known(ro, 'routing', ['countryCode', 'default']);
  const c = obj(raw.care, 'care');
  known(c, 'care', ['quietHours', 'caps', 'dedupWindowMs', 'dedupByContent', 'optOutKeywords', 'invalidErrorCodes', 'invalidForMs',
    'invalidSubmitStatuses']);
  const qh = obj(c.quietHours, 'care.quietHours');
  known(qh, 'care.quietHours', ['start', 'end', 'defaultTz']);
  const sd = obj(raw.shutdown, 'shutdown');
  known(sd, 'shutdown', ['drainMs']);

  if (!Array.isArray(raw.carriers) || raw.carriers.length === 0) fail('carriers', 'must be a non-empty list');
  const carriers = raw.carriers.map((v, i) => carrier(v, join('carriers', i), env));
  const names = new Set<string>();
  carriers.forEach((cc, i) => {
    // All parts of one message go over one bind at once (docs/ARCHITECTURE.md, "The path of a job"), so they must fit its window.
    if (cc.maxParts > cc.windowSize) fail(join(join('carriers', i), 'maxParts'), `must not exceed windowSize (${cc.windowSize})`);
    if (names.has(cc.name)) fail(join(join('carriers', i), 'name'), `duplicate carrier name ${cc.name}`);
    names.add(cc.name);
  });

  const url = str(r, 'url', 'redis', env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  if (!/^rediss?:\/\//.test(url)) fail('redis.url', 'must start with redis:// or rediss://');
  if (!URL.canParse(url)) fail('redis.url', 'is no valid URL (percent-encode a password holding / ? # or set redis.password)');
  const sentinels = r.sentinels === undefined ? undefined : (() => {
    if (!Array.isArray(r.sentinels)) fail('redis.sentinels', 'must be a list of { host, port }');
    return r.sentinels.map((s, i) => {
      const sp = join('redis.sentinels', i);
      const so = obj(s, sp);
      return { host: str(so, 'host', sp), port: int(so, 'port', sp, 26379, 1, 65535) };
    });
  })();

  const routingDefault = ro.default === null ? null : str(ro, 'default', 'routing', carriers[0]!.name);
  if (routingDefault !== null && !names.has(routingDefault)) fail('routing.default', `names no carrier: ${routingDefault}`);

  const capsRaw = obj(c.caps ?? { marketing: { limit: 4, period: 'month' } }, 'care.caps');
  known(capsRaw, 'care.caps', ['otp', 'transactional', 'marketing']);
  const caps: Config['care']['caps'] = {};
  for (const [k, v] of Object.entries(capsRaw)) {
    const cp = join('care.caps', k);
    const co = obj(v, cp);
    known(co, cp, ['limit', 'period']);
    caps[k as JobClass] = {
      limit: int(co, 'limit', cp, 4, 1, 1_000_000),
      period: oneOf(co, 'period', cp, 'month', ['day', 'week', 'month'] as const),
    };
  }

  const retention = int(q, 'retentionMs', 'queue', 3 * MS_DAY, 1000, 90 * MS_DAY);
  const cfg: Config = {
    instanceId: str(raw, 'instanceId', '', hostname()),
    redis: {
      url,
      prefix: str(r, 'prefix', 'redis', 'smppd:'),
      username: secret(r, 'username', 'redis', env),
      password: secret(r, 'password', 'redis', env),
      sentinels,
      sentinelName: r.sentinelName === undefined ? undefined : str(r, 'sentinelName', 'redis'),
      sentinelPassword: secret(r, 'sentinelPassword', 'redis', env),
    },
    metrics: { host: str(m, 'host', 'metrics', '127.0.0.1'), port: int(m, 'port', 'metrics', 9464, 0, 65535) },
    log: { level: oneOf(lg, 'level', 'log', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const) },
    pool: { threads: int(p, 'threads', 'pool', 0, 0, 64), batchSize: int(p, 'batchSize', 'pool', 100, 1, 10_000) },
    // intake.batchSize 100 (was 500): an OTP XADDed while marketing streams in waits behind at most one
    // such read; OTP p99 68-75 -> 35-40 ms, bulk throughput unchanged
    // (docs/BENCHMARKS-HISTORY.md, "Fifth round", change 22).
    // While OTPs come, the main stream's intake reads a quarter of it (pipeline/intake.ts OTP_BATCH_DIVISOR).
    intake: { batchSize: int(it, 'batchSize', 'intake', 100, 1, 10_000), blockMs: int(it, 'blockMs', 'intake', 1000, 10, 60_000) },
    queue: {
      claimBatch: int(q, 'claimBatch', 'queue', 100, 1, 10_000),
      leaseMs: int(q, 'leaseMs', 'queue', 15_000, 1000, 600_000),
      eventsMaxLen: int(q, 'eventsMaxLen', 'queue', 1_000_000, 1000, 1e9),
      events: oneOf(q, 'events', 'queue', 'all', ['all', 'finals'] as const),
      moMaxLen: int(q, 'moMaxLen', 'queue', 100_000, 100, 1e9),
      receiptTtlDays: int(q, 'receiptTtlDays', 'queue', 3, 1, 30),
      maxAttempts: int(q, 'maxAttempts', 'queue', 5, 1, 100),
      deadMax: int(q, 'deadMax', 'queue', 100_000, 1, 10_000_000),
      retryBaseMs: int(q, 'retryBaseMs', 'queue', 2000, 10, 3_600_000),
      retryMaxMs: int(q, 'retryMaxMs', 'queue', 300_000, 10, 86_400_000),
      marketingShare: num(q, 'marketingShare', 'queue', 0.1, 0, 1),
      retentionMs: retention,
      earlyReceiptMs: int(q, 'earlyReceiptMs', 'queue', 600_000, 1000, MS_DAY),
      moPartialMs: int(q, 'moPartialMs', 'queue', 600_000, 1000, MS_DAY),
      maxScheduleDays: int(q, 'maxScheduleDays', 'queue', 30, 1, 3650),
      // A job stream entry is needed only until the job is stored (its hash has what the job said), and
      // it holds the number and the text: an hour for an operator to look, never past retentionMs.
      streamRetentionMs: int(q, 'streamRetentionMs', 'queue', Math.min(3_600_000, retention), 1000, retention),
    },
    text: {
      signature: str(t, 'signature', 'text', ''),
      optOutLine: str(t, 'optOutLine', 'text', '回复TD退订'),
      defaultFrom: str(t, 'defaultFrom', 'text', 'smppd'),
    },
    routing: { countryCode: str(ro, 'countryCode', 'routing', '86'), default: routingDefault },
    care: {
      quietHours: {
        start: clock(qh, 'start', 'care.quietHours', '21:00'),
        end: clock(qh, 'end', 'care.quietHours', '08:00'),
        defaultTz: str(qh, 'defaultTz', 'care.quietHours', 'Asia/Shanghai'),
      },
      caps,
      dedupWindowMs: int(c, 'dedupWindowMs', 'care', MS_DAY, 0, 90 * MS_DAY),
      dedupByContent: bool(c, 'dedupByContent', 'care', false),
      optOutKeywords: strList(c, 'optOutKeywords', 'care', ['TD', 'T', '退订', 'STOP', 'UNSUBSCRIBE']),
      invalidErrorCodes: strList(c, 'invalidErrorCodes', 'care', []),
      invalidForMs: int(c, 'invalidForMs', 'care', 30 * MS_DAY, 0, 365 * MS_DAY),
      // ESME_RINVDSTADR only: a wrong TON/NPI (0x50, 0x51) is this side's setting, true of every number.
      invalidSubmitStatuses: statusList(c, 'invalidSubmitStatuses', 'care', [0x0b]),
    },
    shutdown: { drainMs: int(sd, 'drainMs', 'shutdown', 10_000, 0, 600_000) },
    carriers,
  };
  try {
    new Intl.DateTimeFormat('en', { timeZone: cfg.care.quietHours.defaultTz });
  } catch {
    fail('care.quietHours.defaultTz', `unknown time zone ${cfg.care.quietHours.defaultTz}`);
  }
  return cfg;
}
