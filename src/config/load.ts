/** Reads a YAML file into a validated Config; a bad file refuses with CONFIG_UNREADABLE or CONFIG_INVALID. */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { SmppdError } from '../errors.js';
import { buildConfig } from './schema.js';
import { describeCert } from './tls-files.js';
import type { Config } from './types.js';

export async function loadConfig(file: string, env: NodeJS.ProcessEnv = {}): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new SmppdError('CONFIG_UNREADABLE', `${file}: ${(e as Error).message}`, { cause: e });
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new SmppdError('CONFIG_UNREADABLE', `${file}: YAML: ${(e as Error).message}`, { cause: e });
  }
  return buildConfig(raw, env);
}

/** A Redis URL as it may be shown: `redis://user:secret@host` -> `redis://***@host`. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** The config as it may be shown (status, check-config): secrets replaced. */
export function redactConfig(cfg: Config): unknown {
  return {
    ...cfg,
    redis: { ...cfg.redis, url: redactUrl(cfg.redis.url), password: cfg.redis.password ? '***' : undefined },
    // A CA bundle is no secret, but a page of base64 says less than how many certificates it holds.
    carriers: cfg.carriers.map((c) => ({
      ...c, password: c.password ? '***' : '',
      ...(c.tlsCa === undefined ? {} : { tlsCa: `PEM, ${c.tlsCa.split('-----BEGIN CERTIFICATE-----').length - 1} certificate(s)` }),
      ...(c.tlsCert === undefined ? {} : { tlsCert: describeCert(c.tlsCert), tlsKey: '***' }),
    })),
  };
}
