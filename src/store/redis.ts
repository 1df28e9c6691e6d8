/**
 * The only place that creates ioredis clients. Options a production user needs: AUTH (user/password
 * from config secrets), TLS (`rediss://`), Sentinel.
 */
import { Redis, type RedisOptions } from 'ioredis';

export type { Redis };

/**
 * What a connection is made from: the config's `redis` section, or a URL alone (the client). Written
 * here, not taken from config/types.ts, so that the client package compiles without the config schema.
 */
export interface RedisConnection {
  url: string;
  /** The key prefix: not read here; the config's section and the callers' `{ url, prefix }` carry it. */
  prefix?: string;
  username?: string;
  password?: string;
  sentinels?: { host: string; port: number }[];
  sentinelName?: string;
  sentinelPassword?: string;
}

export function createRedis(cfg: RedisConnection, name: string, extra: Partial<RedisOptions> = {}): Redis {
  const opts: RedisOptions = {
    connectionName: name,
    // A write resent after a reconnect could do a step twice; every script is idempotent anyway,
    // but we would rather see the error and retry from our own state.
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 2,
    enableReadyCheck: true,
    lazyConnect: true,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
    ...extra,
  };
  if (cfg.username !== undefined) opts.username = cfg.username;
  if (cfg.password !== undefined) opts.password = cfg.password;
  const url = new URL(cfg.url);
  if (url.protocol === 'rediss:') opts.tls = {};
  if (cfg.sentinels && cfg.sentinels.length > 0) {
    // With Sentinel the URL names no server; it still gives the scheme (TLS) and, when the config
    // has none, the credentials for the master.
    if (opts.username === undefined && url.username) opts.username = decodeURIComponent(url.username);
    if (opts.password === undefined && url.password) opts.password = decodeURIComponent(url.password);
    // failoverDetector: leave the old master as soon as a sentinel announces +switch-master. Without it
    // the store went on writing to the demoted master for about 10 s after a failover (until the
    // sentinel reconfigured it), and every one of those writes was lost in its resync
    // (test/store/redis-sentinel.test.ts).
    const sentinel: RedisOptions = { ...opts, sentinels: cfg.sentinels, name: cfg.sentinelName ?? 'mymaster', failoverDetector: true };
    if (cfg.sentinelPassword !== undefined) sentinel.sentinelPassword = cfg.sentinelPassword;
    if (opts.tls) { sentinel.enableTLSForSentinelMode = true; sentinel.sentinelTLS = {}; }
    return rejectUnansweredOnClose(new Redis(sentinel));
  }
  return rejectUnansweredOnClose(new Redis(cfg.url, opts));
}

/**
 * With autoResendUnfulfilledCommands off, ioredis (5.11 and 6.0 alike, redis/event_handler.js readyHandler)
 * drops the commands that were written but unanswered when the connection closed without settling them: their
 * promises hang for ever, and with them the settle batcher, the dispatcher and the lease retake
 * (test/store/redis-close.test.ts, test/e2e/faults-redis.test.ts). Reject them at close: the outcome
 * is unknown, and every caller retries from its own state.
 */
function rejectUnansweredOnClose(r: Redis): Redis {
  r.on('close', () => {
    const q = (r as unknown as { commandQueue?: { toArray(): { command: { reject(e: Error): void } }[] } }).commandQueue;
    for (const item of q?.toArray() ?? []) item.command.reject(new Error('connection closed before the reply'));
  });
  return r;
}

/**
 * Wait for the first connection; reject with the cause after timeoutMs. The cause is the last `error`
 * the client emitted (e.g. `self-signed certificate` from a TLS handshake): ioredis rejects connect()
 * with only "Connection is closed." when the socket ends after such an error.
 */
export async function connectRedis(r: Redis, timeoutMs: number): Promise<void> {
  if (r.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  let cause: Error | undefined;
  const timeout = new Error(`no answer within ${timeoutMs} ms`);
  const onError = (e: Error): void => { cause = e; };
  r.on('error', onError);
  try {
    await Promise.race([
      r.status === 'wait' ? r.connect() : new Promise<void>((res) => r.once('ready', () => res())),
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(timeout), timeoutMs);
      }),
    ]);
  } catch (e) {
    if (cause === undefined || cause === e) throw e;
    throw new Error(e === timeout ? `${timeout.message}; last error: ${cause.message}` : cause.message, { cause });
  } finally {
    clearTimeout(timer);
    r.off('error', onError);
  }
}
