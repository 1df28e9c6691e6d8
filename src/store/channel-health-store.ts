/**
 * Where each daemon publishes its channels' health for `smppd status` (which reads Redis, not the daemon):
 * one hash per daemon, written on each change (rare) and deleted when the daemon stops. Health is a daemon's
 * own view (docs/CHANNELS.md, "Failover"): two daemons may see one channel differently for a while.
 */
import type { Redis } from './redis.js';
import type { Keys } from './keys.js';

export interface ChannelHealthRow { daemon: string; channel: string; status: string; sinceMs: number }

export class ChannelHealthStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  async set(daemon: string, channel: string, status: string, sinceMs: number): Promise<void> {
    await this.redis.hset(this.keys.health(daemon), channel, `${status} ${Math.trunc(sinceMs)}`);
  }

  /** Forgets this daemon's view (at stop), or only the channels it no longer runs (`keep`, after a reload). */
  async clear(daemon: string, keep: string[] = []): Promise<void> {
    const key = this.keys.health(daemon);
    const gone = (await this.redis.hkeys(key)).filter((c) => !keep.includes(c));
    if (gone.length > 0) await this.redis.hdel(key, ...gone);
  }

  async read(daemons: string[]): Promise<ChannelHealthRow[]> {
    const p = this.redis.pipeline();
    for (const d of daemons) p.hgetall(this.keys.health(d));
    const res = (await p.exec()) ?? [];
    return daemons.flatMap((daemon, i) => Object.entries((res[i]?.[1] ?? {}) as Record<string, string>).map(([channel, v]) => {
      const [status = '', since = '0'] = v.split(' ');
      return { daemon, channel, status, sinceMs: Number(since) };
    })).sort((a, b) => a.channel.localeCompare(b.channel) || a.daemon.localeCompare(b.daemon));
  }
}
