/**
 * Turns parsed YAML into a validated Config. Every default is written here, next to its field,
 * and docs/CONFIG.md mirrors this file. Unknown fields are refused (a typo must not fall back
 * to a default silently). Secrets (`password`, `tlsKeyPassphrase`) may be a string, `{ env: NAME }` or `{ file: PATH }`.
 */
import { hostname } from 'node:os';
import { withChannels, withOneChannel } from './channels.js';
import { channel, channelFields, CHANNEL_FIELD_KEYS, failover, secret } from './channel-schema.js';
import type { CarrierConfig, ChannelConfig, Config } from './types.js';
import type { JobClass } from '../types.js';
import { isTableName, TABLE_NAMES } from '../route/china-prefixes.js';
import {
  bool, clock, collect, fail, int, isObj, join, known, num, obj, oneOf, problem, str, strList, type Obj,
} from './validate.js';

const MS_DAY = 86_400_000;

/** A carrier's `prefixes`: number prefixes (`86134`, `134`, `+44`) or a built-in table's name (`china:cmcc`). */
function prefixList(v: Obj, path: string): string[] {
  const list = strList(v, 'prefixes', path, []);
  list.forEach((p, i) => {
    if (!/^\+?\d{1,15}$/.test(p) && !isTableName(p)) {
      problem(join(join(path, 'prefixes'), i), `must be digits or one of ${TABLE_NAMES.join(', ')}, got ${JSON.stringify(p)}`);
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
      problem(join(join(path, key), i), `must be an SMPP command_status (an integer, e.g. 0x0B), got ${JSON.stringify(x)}`);
    }
    return x as number;
  });
}

/** Keys of a carrier itself; every channel field (CHANNEL_FIELD_KEYS) may be written beside them as a default. */
const CARRIER_OWN_KEYS = ['name', 'prefixes', 'maxParts', 'signatureReserve', 'optOut', 'otpWindowSlots', 'failover', 'channels'] as const;

function carrier(v: unknown, path: string, env: NodeJS.ProcessEnv): CarrierConfig {
  if (!isObj(v)) fail(path, 'must be a mapping');
  known(v, path, [...CARRIER_OWN_KEYS, ...CHANNEL_FIELD_KEYS]);
  const name = str(v, 'name', path);
  if (!/^[a-z0-9_-]{1,32}$/.test(name)) fail(join(path, 'name'), 'must be 1-32 of a-z 0-9 _ -');
  let channels: ChannelConfig[] | undefined;
  if (v.channels !== undefined) {
    const cp = join(path, 'channels');
    if (!Array.isArray(v.channels) || v.channels.length === 0) fail(cp, 'must be a non-empty list (or left out: one SMPP channel named as the carrier)');
    channels = v.channels.map((ch, i) => channel(ch, join(cp, i), v, path, env));
    // A default every channel overrides is still checked: a wrong value in the file is named, never ignored.
    channelFields({ own: {}, ownPath: path, base: { host: '-', systemId: '-', ...v }, basePath: path }, 'smpp', env);
  }
  const fields = channels ? undefined : channelFields({ own: v, ownPath: path, base: {}, basePath: path }, 'smpp', env);
  // Kept slots must be free on whichever channel takes traffic: a tenth of the smallest channel's window.
  const windows = channels ? channels.map((ch) => ch.windowSize * ch.binds) : [fields!.windowSize * fields!.binds];
  const smallest = Math.min(...windows);
  const own = {
    name,
    prefixes: prefixList(v, path),
    otpWindowSlots: int(v, 'otpWindowSlots', path, Math.floor(smallest / 10), 0, smallest - 1),
    maxParts: int(v, 'maxParts', path, 10, 1, 255),
    signatureReserve: int(v, 'signatureReserve', path, 0, 0, 60),
    optOut: oneOf(v, 'optOut', path, 'append', ['append', 'reject'] as const),
    failover: failover(v.failover, join(path, 'failover')),
  };
  return channels ? withChannels(own, channels) : withOneChannel({ ...own, ...fields! });
}

const TOP_KEYS = ['instanceId', 'redis', 'metrics', 'log', 'pool', 'intake', 'queue', 'text', 'routing', 'care', 'shutdown', 'carriers'] as const;

export { secret };

/** The config from the parsed file, or CONFIG_INVALID naming every wrong field it could reach. */
export function buildConfig(raw: unknown, env: NodeJS.ProcessEnv = {}): Config {
  return collect(() => checkConfig(raw, env));
}

function checkConfig(raw: unknown, env: NodeJS.ProcessEnv): Config {
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
  const channelNames = new Set<string>();
  carriers.forEach((cc, i) => {
    const cp = join('carriers', i);
    // All parts of one message go over one bind of one channel at once (docs/ARCHITECTURE.md, "The path of a
    // job"), so they must fit every channel's window.
    const written = (raw.carriers as Obj[])[i]!.channels as Obj[] | undefined;
    // Where a field of the carrier's channels is written: channel j's own mapping, or (j < 0) the carrier's.
    const at = (j: number, key: string): string => (j < 0 ? join(cp, key) : join(join(join(cp, 'channels'), j), key));
    const ownIndex = (ch: ChannelConfig, key: string): number => (written ? written.findIndex((w) => w.name === ch.name && key in w) : -1);
    for (const ch of cc.channels) {
      const of = cc.channels.length === 1 && ch.name === cc.name ? '' : ` of channel ${ch.name}`;
      if (cc.maxParts > ch.windowSize) problem(join(cp, 'maxParts'), `must not exceed windowSize (${ch.windowSize})${of}`);
      // The back-off doubles from the one up to the other: a floor above the ceiling is a mistake.
      if (ch.reconnectMinMs > ch.reconnectMaxMs) {
        problem(at(ownIndex(ch, 'reconnectMinMs'), 'reconnectMinMs'), `must not exceed reconnectMaxMs (${ch.reconnectMaxMs})`);
      }
    }
    // `payload` sends a long text as one submit_sm; beside a channel that cuts it into parts the counts differ.
    const payload = cc.channels.filter((ch) => ch.protocol === 'smpp' && ch.concat === 'payload');
    if (payload.length > 0 && payload.length < cc.channels.length) {
      problem(at(written ? written.findIndex((w) => w.concat === 'payload') : -1, 'concat'),
        'payload (one message_payload) works only when every channel of the carrier is SMPP with payload: the text is cut once for all of them');
    }
    if (names.has(cc.name)) problem(join(cp, 'name'), `duplicate carrier name ${cc.name}`);
    names.add(cc.name);
    // Metrics, logs and receipt keys name a channel alone: a name is unique among all carriers' channels.
    for (const ch of cc.channels) {
      if (channelNames.has(ch.name)) {
        problem(at(written ? written.map((w) => w.name).lastIndexOf(ch.name) : -1, 'name'), `duplicate channel name ${ch.name}`);
      }
      channelNames.add(ch.name);
    }
  });

  const url = str(r, 'url', 'redis', env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  if (!/^rediss?:\/\//.test(url)) problem('redis.url', 'must start with redis:// or rediss://');
  else if (!URL.canParse(url)) problem('redis.url', 'is no valid URL (percent-encode a password holding / ? # or set redis.password)');
  const sentinels = r.sentinels === undefined ? undefined : (() => {
    if (!Array.isArray(r.sentinels)) fail('redis.sentinels', 'must be a list of { host, port }');
    return r.sentinels.map((s, i) => {
      const sp = join('redis.sentinels', i);
      const so = obj(s, sp);
      return { host: str(so, 'host', sp), port: int(so, 'port', sp, 26379, 1, 65535) };
    });
  })();

  const routingDefault = ro.default === null ? null : str(ro, 'default', 'routing', carriers[0]!.name);
  if (routingDefault !== null && !names.has(routingDefault)) problem('routing.default', `names no carrier: ${routingDefault}`);

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
    problem('care.quietHours.defaultTz', `unknown time zone ${cfg.care.quietHours.defaultTz}`);
  }
  return cfg;
}
