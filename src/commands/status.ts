/**
 * `smppd status`: lanes (depth, oldest age), schedule, channels (protocol, priority, weight, and the health
 * each daemon published), daemons (lease, in flight), dead letters.
 */
import { loadConfig, redactUrl } from '../config/load.js';
import { createRedis, connectRedis, type Redis } from '../store/redis.js';
import { QueueStore } from '../store/queue-store.js';
import { ChannelHealthStore } from '../store/channel-health-store.js';
import { exitFor } from './errors.js';
import { Exit, type Io } from './io.js';

/** `redis`: this Redis (credentials in the URL, as `send` takes them) instead of the config's. */
export async function status(args: { config: string; json?: boolean; redis?: string }, io: Io): Promise<number> {
  let redis: Redis | undefined;
  try {
    const cfg = await loadConfig(args.config, io.env);
    if (args.redis !== undefined) {
      if (!/^rediss?:\/\//.test(args.redis) || !URL.canParse(args.redis)) { io.err('smppd status: --redis must be a redis:// or rediss:// URL'); return Exit.USAGE; }
      cfg.redis = { url: args.redis, prefix: cfg.redis.prefix };
    }
    redis = createRedis(cfg.redis, 'smppd:status', { maxRetriesPerRequest: 1, retryStrategy: () => null });
    redis.on('error', () => undefined); // connectRedis reports the cause
    const url = redactUrl(cfg.redis.url);
    await connectRedis(redis, 3000).catch((e: Error) => {
      throw Object.assign(new Error(`Redis at ${url}: ${e.message}`), { redis: true });
    });
    const store = new QueueStore(redis, cfg);
    const names = cfg.carriers.map((c) => c.name);
    const daemons = await store.daemons();
    const health = await new ChannelHealthStore(redis, store.keys).read(daemons.map((d) => d.id));
    const healthOf = (channel: string) => health.filter((h) => h.channel === channel).map(({ daemon, status, sinceMs }) => ({ daemon, status, sinceMs }));
    const configured = cfg.carriers.flatMap((c) => c.channels.map((ch) => ({
      carrier: c.name, channel: ch.name, protocol: ch.protocol as string, priority: ch.priority, weight: ch.weight, health: healthOf(ch.name),
    })));
    // A daemon running another config (or one not reloaded yet) reports channels this file does not name.
    const known = new Set(configured.map((c) => c.channel));
    const others = [...new Set(health.map((h) => h.channel).filter((ch) => !known.has(ch)))].map((ch) => ({
      carrier: '?', channel: ch, protocol: '?', priority: 0, weight: 0, health: healthOf(ch),
    }));
    const report = {
      lanes: await store.lanes(names),
      schedule: await store.scheduleSizes(names),
      channels: [...configured, ...others],
      daemons,
      deadLetters: await store.deadLetters(),
    };
    if (args.json) {
      io.out(JSON.stringify(report, null, 2));
      return Exit.OK;
    }
    io.out('CARRIER  CLASS          DEPTH  OLDEST(s)  SCHEDULED');
    for (const l of report.lanes) {
      io.out(`${l.carrier.padEnd(8)} ${l.class.padEnd(14)} ${String(l.depth).padStart(5)}  ${(l.oldestAgeMs / 1000).toFixed(1).padStart(9)}  ${l.class === 'otp' ? String(report.schedule[l.carrier] ?? 0).padStart(9) : ''}`);
    }
    io.out('');
    io.out('CHANNEL          CARRIER   PROTOCOL  PRIORITY  WEIGHT  HEALTH (per daemon)');
    for (const c of report.channels) {
      const h = c.health.map((x) => `${x.daemon}: ${x.status}`).join(', ') || '(no daemon)';
      io.out(`${c.channel.padEnd(16)} ${c.carrier.padEnd(9)} ${c.protocol.padEnd(8)}  ${String(c.priority).padStart(8)}  ${String(c.weight).padStart(6)}  ${h}`);
    }
    io.out('');
    io.out('DAEMON                           LEASE(ms)  IN-FLIGHT');
    for (const d of report.daemons) io.out(`${d.id.padEnd(32)} ${String(d.leaseMs).padStart(9)}  ${String(d.inFlight).padStart(9)}`);
    if (report.daemons.length === 0) io.out('(none)');
    io.out('');
    io.out(`dead letters: ${report.deadLetters}`);
    return Exit.OK;
  } catch (e) {
    if ((e as { redis?: boolean }).redis) { io.err(`smppd status: REDIS_UNAVAILABLE: ${(e as Error).message}`); return Exit.UNAVAILABLE; }
    const { code, line } = exitFor(e);
    io.err(line);
    return code;
  } finally {
    redis?.disconnect();
  }
}
