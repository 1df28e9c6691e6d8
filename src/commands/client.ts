/**
 * A job client (or a bare connection) for one-shot commands (send, optout, dead): connects once, within a few seconds, and reports
 * an unreachable Redis as REDIS_UNAVAILABLE (exit 69) instead of retrying for ever.
 */
import { redactUrl } from '../config/load.js';
import { createRedis, connectRedis, type Redis } from '../store/redis.js';
import { SmppdClient } from '../store/job-client.js';
import { Exit, type Io } from './io.js';

export const CONNECT_TIMEOUT_MS = 3000;

/** The client and a close() that also ends its connection; or the exit code after saying why. */
export async function openClient(url: string, prefix: string, io: Io, command: string): Promise<{ client: SmppdClient; close(): Promise<void> } | number> {
  const opened = await openRedis(url, prefix, io, command);
  if (typeof opened === 'number') return opened;
  return { client: new SmppdClient(opened.redis, { prefix }), close: opened.close };
}

/** A connection for a one-shot command and its close(); or the exit code after saying why. */
export async function openRedis(url: string, prefix: string, io: Io, command: string): Promise<{ redis: Redis; close(): Promise<void> } | number> {
  if (!/^rediss?:\/\//.test(url) || !URL.canParse(url)) { io.err(`smppd ${command}: --redis must be a redis:// or rediss:// URL`); return Exit.USAGE; }
  const redis = createRedis({ url, prefix }, `smppd:${command}`, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined); // connectRedis reports the cause
  try {
    await connectRedis(redis, CONNECT_TIMEOUT_MS);
  } catch (e) {
    redis.disconnect();
    io.err(`smppd ${command}: REDIS_UNAVAILABLE: Redis at ${redactUrl(url)}: ${(e as Error).message}`);
    return Exit.UNAVAILABLE;
  }
  return { redis, close: async () => { await redis.quit().catch(() => redis.disconnect()); } };
}
