/**
 * The config schema: parsed YAML in, a validated Config out (its types are inferred from it, types.ts).
 * Every field's default and meaning are written next to it, in this file and the *-schema.ts files it
 * assembles; docs/CONFIG.md's tables are made from them (doc-table.ts, `npm run docs:config`).
 *
 * Built with zod 4, chosen by what a start costs (median of 5 cold starts, Node 20, a schema of this
 * size: import + build + first parse): zod 52 ms, zod/mini 46 ms, @sinclair/typebox 0.34 75 ms,
 * typebox 1.x 221 ms. zod's full API (defaults, transforms, refinements, metadata, z.infer) is worth the
 * 6 ms over zod/mini for `check-config` and `status`; a config is parsed once per start or reload and
 * is never in the hot path.
 */
import { hostname } from 'node:os';
import * as z from 'zod';
import { carrierResolver, writtenCarrier } from './carrier-schema.js';
import { care, routing, textShape } from './care-schema.js';
import { int, mapping, oneOf, secret, settled, text } from './fields.js';
import { configInvalid, wording } from './problems.js';
import { queue } from './queue-schema.js';

const REDIS_URL = 'redis://127.0.0.1:6379';

export function redisShape(env: NodeJS.ProcessEnv) {
  return {
    url: text()
      .superRefine((u, ctx) => {
        if (!/^rediss?:\/\//.test(u)) ctx.addIssue({ code: 'custom', message: 'must start with redis:// or rediss://' });
        else if (!URL.canParse(u)) ctx.addIssue({ code: 'custom', message: 'is no valid URL (percent-encode a password holding / ? # or set redis.password)' });
      })
      .prefault(env.REDIS_URL ?? REDIS_URL)
      .meta({ default: `\`$REDIS_URL\`, else \`${REDIS_URL}\``, description: '`redis://` or `rediss://` (TLS); may carry `user:password@`' }),
    prefix: text().default('smppd:').meta({
      description: 'prefix of every key (`smppd:jobs`, `smppd:events`, …); one with a hash tag (`{smppd}:`) puts every key in one Redis Cluster slot (docs/ARCHITECTURE.md, Redis Cluster)',
    }),
    username: secret(env).optional().meta({ description: 'ACL user (secret)' }),
    password: secret(env).optional().meta({ description: 'AUTH password (secret)' }),
    sentinels: z.array(mapping({ host: text(), port: int(1, 65535).default(26379) }), 'must be a list of { host, port }').optional()
      .meta({ description: 'list of `{ host, port }` (port default 26379): connect through Redis Sentinel' }),
    sentinelName: text().optional().meta({ default: '`mymaster`', description: 'the master\'s name at the sentinels' }),
    sentinelPassword: secret(env).optional().meta({ description: 'the sentinels\' own password (secret)' }),
  };
}

export const topShape = {
  instanceId: text().default(hostname()).meta({
    default: 'the host name',
    description: 'this daemon\'s stable name: its lease, its in-flight table (found again after a restart) and its consumer name in the jobs group. '
      + 'Written with no value (`instanceId:`), it is the host name, as when left out. Two daemons on one Redis need different ids: '
      + 'a second one with a live daemon\'s id is refused `INSTANCE_IN_USE` (exit 73; docs/OPERATIONS.md, "Several daemons")',
  }),
};
export const metricsShape = {
  host: text().default('127.0.0.1').meta({ description: 'address of `/metrics`, `/healthz`, `/readyz`' }),
  port: int(0, 65535).default(9464).meta({ description: '`0` picks a free port (logged as `metricsPort`)' }),
};
export const logShape = {
  // Kept a string: `run --log-level` puts its own in its place (commands/run.ts).
  level: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').transform((l): string => l)
    .meta({ description: '`fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`' }),
};
export const poolShape = {
  threads: int(0, 64).default(0).meta({
    description: 'worker threads that prepare jobs (parse, number, route, segment, encode). `0` prepares on the I/O thread: handing a job to a thread costs that thread '
      + 'what preparing it does, so threads add CPU and never raise a daemon\'s rate (docs/OPERATIONS.md, "Sizing: what more cores buy")',
  }),
  batchSize: int(1, 10_000).default(100).meta({ description: 'jobs per batch handed to a thread' }),
};
export const intakeShape = {
  // While OTPs come, the main stream's intake reads a quarter of it (pipeline/intake.ts OTP_BATCH_DIVISOR).
  batchSize: int(1, 10_000).default(100).meta({
    description: 'stream entries read per XREADGROUP. Larger batches did not drain faster, and an OTP pushed while marketing streams in waited longer behind them '
      + '(OTP p99 about 70 ms with 500, about 40 ms with 100); 500 uses about 10 MB less RSS with a million jobs queued (docs/BENCHMARKS-HISTORY.md, "Fifth round", change 22). '
      + 'While OTPs come (one queued in the last 60 s), the main stream is read a quarter of this at a time: OTP p99 about 30 ms instead of about 60 with marketing streaming in, '
      + 'the marketing about 15 % slower meanwhile ("Eighth round", change 39)',
  }),
  blockMs: int(10, 60_000).default(1000).meta({ description: 'how long a read waits for new entries' }),
};
export const shutdownShape = {
  drainMs: int(0, 600_000).default(10_000)
    .meta({ description: 'on SIGTERM, how long in-flight messages may take before sessions are closed and what is still out is handed back' }),
};

/**
 * The carriers, resolved. Carrier names key Redis and metrics; channel names, metrics, logs and receipt
 * keys: each is unique (a carrier without `channels` has one channel, named as itself).
 */
function carriers(env: NodeJS.ProcessEnv) {
  const resolveCarrier = carrierResolver(env);
  const list = z.array(writtenCarrier(env), 'must be a non-empty list').min(1, 'must be a non-empty list');
  return settled(list, (written, ok, ctx) => {
    const names = new Set<unknown>();
    const channelNames = new Set<unknown>();
    written.forEach((c, i) => {
      if (ok(i, 'name') && names.has(c.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate carrier name ${c.name}` });
      names.add(c.name);
      const channels = Array.isArray(c.channels) ? c.channels.map((ch, j) => ({ name: ch?.name, at: [i, 'channels', j, 'name'] })) : [{ name: c.name, at: [i, 'name'] }];
      for (const { name, at } of channels) {
        if (ok(...at) && channelNames.has(name)) ctx.addIssue({ code: 'custom', path: at, message: `duplicate channel name ${String(name)}` });
        channelNames.add(name);
      }
    });
    const out = written.map((c, i) => resolveCarrier(c, (...p) => ok(i, ...p), (path, message) => ctx.addIssue({ code: 'custom', path: [i, ...path], message })));
    return out.every((c) => c !== undefined) ? out : undefined;
  });
}

/** The whole file. */
export function configSchema(env: NodeJS.ProcessEnv) {
  const file = mapping({
    ...topShape,
    redis: mapping(redisShape(env)),
    metrics: mapping(metricsShape),
    log: mapping(logShape),
    pool: mapping(poolShape),
    intake: mapping(intakeShape),
    queue,
    text: mapping(textShape),
    routing,
    care,
    shutdown: mapping(shutdownShape),
    carriers: carriers(env),
  });
  return settled(file, (c, ok, ctx) => {
    // Written or resolved, each carrier has its name.
    const names = Array.isArray(c.carriers) ? c.carriers.map((cc) => cc.name) : [];
    const d = c.routing.default;
    if (ok('routing', 'default') && names.length > 0 && names.every((_, i) => ok('carriers', i, 'name')) && typeof d === 'string' && !names.includes(d)) {
      ctx.addIssue({ code: 'custom', path: ['routing', 'default'], message: `names no carrier: ${d}` });
    }
    return { ...c, routing: { ...c.routing, default: d === undefined ? names[0]! : d } };
  });
}

/** The config from the parsed file, or CONFIG_INVALID naming every wrong field it could reach. */
export function buildConfig(raw: unknown, env: NodeJS.ProcessEnv = {}): z.output<ReturnType<typeof configSchema>> {
  const r = configSchema(env).safeParse(raw, { error: wording });
  if (!r.success) throw configInvalid(r.error.issues);
  return r.data;
}
