/**
 * What a reload (SIGHUP) can change in a running daemon. Every config field applies live except those
 * listed in RESTART_FIELDS: a reload keeps their running values and names each one that changed in one
 * warning. docs/CONFIG.md marks the same fields "restart" (test/config/reload-plan.test.ts keeps them in step).
 */
import type { CarrierConfig, Config } from './types.js';

/**
 * Fields a running daemon keeps until it is restarted, with why:
 * - instanceId and redis.*: every connection, key and the lease are made from them at start;
 * - metrics.*: a scrape target moves with them, and a listener that failed to bind at reload would
 *   leave the daemon without /readyz; a restart fails loudly instead.
 */
export const RESTART_FIELDS = [
  'instanceId',
  'redis.url', 'redis.prefix', 'redis.username', 'redis.password',
  'redis.sentinels', 'redis.sentinelName', 'redis.sentinelPassword',
  'metrics.host', 'metrics.port',
] as const;

type Tree = Record<string, unknown>;

const isTree = (v: unknown): v is Tree => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Dotted paths of the leaves that differ between `a` and `b` (a list compares as one value:
 * `carriers`, `care.optOutKeywords`). Names only, never values: secrets are among the fields.
 */
export function changedFields(a: unknown, b: unknown, path = ''): string[] {
  if (isTree(a) && isTree(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => changedFields(a[k], b[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}

export interface ReloadPlan {
  /** The config to apply: `next` with every restart-only field set back to its running value. */
  config: Config;
  /** Restart-only fields the file changed (kept as they run). */
  needRestart: string[];
  /** Fields that change now, carriers aside (they are compared carrier by carrier by the app). */
  live: string[];
}

export function planReload(running: Config, next: Config): ReloadPlan {
  const changed = changedFields(running, next);
  const restart = (p: string): boolean => RESTART_FIELDS.some((f) => p === f || p.startsWith(`${f}.`));
  let config = next as unknown as Tree;
  for (const f of RESTART_FIELDS) config = withValue(config, f.split('.'), valueAt(running, f.split('.')));
  return {
    config: config as unknown as Config,
    needRestart: changed.filter(restart),
    live: changed.filter((p) => !restart(p) && p !== 'carriers'),
  };
}

function valueAt(o: unknown, path: string[]): unknown {
  return path.reduce<unknown>((v, k) => (isTree(v) ? v[k] : undefined), o);
}

/** A copy of `o` with `path` set to `value`: only the objects along the path are copied. */
function withValue(o: Tree, [k, ...rest]: string[], value: unknown): Tree {
  const child = rest.length === 0 ? value : withValue(isTree(o[k!]) ? o[k!] as Tree : {}, rest, value);
  return { ...o, [k!]: child };
}

/**
 * What a reload does to a running carrier: nothing, new tps for some of its channels (applied in place, the
 * sessions kept), or a replacement (drained, closed and built again): any other change, of the carrier or
 * of its channel list (a channel added, removed, renamed, reordered or changed), replaces it.
 */
export type CarrierChange = { kind: 'same'; tps: { channel: string; tps: number }[] } | { kind: 'replace' };

export function carrierChange(running: CarrierConfig, next: CarrierConfig): CarrierChange {
  const withoutTps = (c: CarrierConfig): unknown => ({ ...c, tps: 0, channels: c.channels.map((ch) => ({ ...ch, tps: 0 })) });
  if (JSON.stringify(withoutTps(running)) !== JSON.stringify(withoutTps(next))) return { kind: 'replace' };
  const tps = next.channels.filter((ch, i) => ch.tps !== running.channels[i]!.tps).map((ch) => ({ channel: ch.name, tps: ch.tps }));
  return { kind: 'same', tps };
}
