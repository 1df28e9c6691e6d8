/**
 * What smppd needs of the Redis it keeps every state in, read from INFO at start. INFO, not CONFIG GET:
 * the ACL user docs/OPERATIONS.md suggests may run INFO (ioredis's ready check does) but no @dangerous
 * command.
 *   - No eviction. With a maxmemory and any policy but noeviction, a full Redis drops keys: a lane, an
 *     in-flight table or a job hash dropped is a job lost without an event. noeviction refuses the write
 *     instead, and smppd sees the error and retries.
 *   - An AOF. Without one, a Redis restart loses every job since the last snapshot, or all of them.
 * Warnings, not refusals (bullmq warns about the eviction policy the same way): a demo or test Redis may
 * be meant so, and the operator decides.
 */
import type { Redis } from 'ioredis';

export interface RedisWarning {
  /** Which requirement: stable, for log searches. */
  check: 'maxmemory-policy' | 'appendonly';
  message: string;
  /** What INFO said. */
  seen: string;
}

function field(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*?)\\r?$`, 'm').exec(info)?.[1];
}

export async function redisWarnings(r: Redis): Promise<RedisWarning[]> {
  const memory = await r.info('memory');
  const persistence = await r.info('persistence');
  const out: RedisWarning[] = [];
  const maxmemory = Number(field(memory, 'maxmemory') ?? 0);
  const policy = field(memory, 'maxmemory_policy') ?? 'noeviction';
  if (maxmemory > 0 && policy !== 'noeviction') {
    out.push({
      check: 'maxmemory-policy', seen: `maxmemory ${maxmemory}, maxmemory-policy ${policy}`,
      message: 'Redis may evict keys when full, and an evicted lane, in-flight entry or job is a job lost without an event: set maxmemory-policy noeviction',
    });
  }
  if (field(persistence, 'aof_enabled') === '0') {
    out.push({
      check: 'appendonly', seen: 'appendonly no',
      message: 'Redis keeps no append-only file: a Redis restart loses the jobs written since its last snapshot; set appendonly yes, appendfsync everysec',
    });
  }
  return out;
}
