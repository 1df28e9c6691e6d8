/**
 * Which config fields are secrets, and how they may be shown: the one list `check-config --print`
 * masks and the start-up check for plaintext passwords reads. A path is the YAML spelling; `[]`
 * stands for every element of a list.
 */
import { describeCert } from './tls-files.js';
import type { Config } from './types.js';

/** Passwords and passphrases: masked when printed, and warned about when plaintext in a file others can read. */
export const PASSWORD_PATHS = [
  'redis.password', 'redis.sentinelPassword', 'carriers[].password', 'carriers[].tlsKeyPassphrase',
  'carriers[].channels[].password', 'carriers[].channels[].tlsKeyPassphrase',
] as const;

/**
 * Masked when printed. A Redis user name is half of a credential and names the account to attack, so it
 * is masked too; tlsKey is the decrypted private key (resolved config only).
 */
export const MASKED_PATHS = [...PASSWORD_PATHS, 'redis.username', 'carriers[].tlsKey', 'carriers[].channels[].tlsKey'] as const;

const MASK = '***';

/**
 * A Redis URL as it may be shown: user and password masked, `redis://u:p@host:6379/0` -> `redis://***@host:6379/0`.
 * The last `@` ends the userinfo, so a password holding `@` (or `/`) is masked whole, never half.
 */
export function redactUrl(url: string): string {
  const scheme = url.indexOf('://');
  const at = url.lastIndexOf('@');
  if (scheme < 0 || at < scheme) return url;
  return `${url.slice(0, scheme + 3)}${MASK}@${url.slice(at + 1)}`;
}

/** The values at `path` in `root` (a parsed YAML tree or a Config), with their concrete paths (`carriers[1].password`). */
export function valuesAt(root: unknown, path: string): { path: string; value: unknown }[] {
  let found: { path: string; value: unknown }[] = [{ path: '', value: root }];
  for (const part of path.split('.')) {
    const list = part.endsWith('[]');
    const key = list ? part.slice(0, -2) : part;
    found = found.flatMap(({ path: p, value }) => {
      if (typeof value !== 'object' || value === null || !(key in value)) return [];
      const v = (value as Record<string, unknown>)[key];
      const here = p === '' ? key : `${p}.${key}`;
      if (!list) return [{ path: here, value: v }];
      return Array.isArray(v) ? v.map((e, i) => ({ path: `${here}[${i}]`, value: e })) : [];
    });
  }
  return found;
}

/** Where the parsed YAML holds a password as plain text (a non-empty string, not `{ env }` or `{ file }`). */
export function plaintextPasswords(raw: unknown): string[] {
  return PASSWORD_PATHS.flatMap((p) => valuesAt(raw, p)).filter((v) => typeof v.value === 'string' && v.value !== '').map((v) => v.path);
}

/** A deep copy of `root` with every non-empty string at a masked path replaced. */
function masked<T>(root: T): T {
  const copy = structuredClone(root);
  for (const p of MASKED_PATHS) {
    const parent = p.slice(0, p.lastIndexOf('.'));
    const key = p.slice(p.lastIndexOf('.') + 1);
    for (const { value } of valuesAt(copy, parent)) {
      const o = value as Record<string, unknown> | null;
      if (o && typeof o[key] === 'string' && o[key] !== '') o[key] = MASK;
    }
  }
  return copy;
}

/** A CA bundle is no secret, but a page of base64 says less than how many certificates it holds. */
function describeTls<T extends { tlsCa?: string; tlsCert?: string }>(c: T): T {
  return {
    ...c,
    ...(c.tlsCa === undefined ? {} : { tlsCa: `PEM, ${c.tlsCa.split('-----BEGIN CERTIFICATE-----').length - 1} certificate(s)` }),
    ...(c.tlsCert === undefined ? {} : { tlsCert: describeCert(c.tlsCert) }),
  };
}

/** The config as it may be shown (check-config --print): secrets masked, the URL's credentials too. */
export function redactConfig(cfg: Config): unknown {
  const m = masked(cfg);
  return {
    ...m,
    redis: { ...m.redis, url: redactUrl(m.redis.url) },
    carriers: m.carriers.map((c) => ({ ...c, channels: c.channels.map(describeTls) })),
  };
}
