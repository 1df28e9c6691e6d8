/**
 * Loads the Lua scripts (each prefixed with common.lua) and registers them on a client. ioredis runs
 * them by EVALSHA and falls back to EVAL after a Redis restart (NOSCRIPT).
 */
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

export const SCRIPTS = ['ingest', 'claim', 'mark-submitting', 'settle', 'receipt', 'recover', 'lease',
  'receipt-sweep', 'mo-part', 'mo-sweep'] as const;
export type ScriptName = (typeof SCRIPTS)[number];

const dir = new URL('./lua/', import.meta.url);
let cache: Map<ScriptName, string> | undefined;

export function scriptSource(name: ScriptName): string {
  if (!cache) {
    const common = readFileSync(new URL('common.lua', dir), 'utf8');
    cache = new Map(SCRIPTS.map((n) => [n, `${common}\n${readFileSync(new URL(`${n}.lua`, dir), 'utf8')}`]));
  }
  return cache.get(name)!;
}

function commandName(name: ScriptName): string {
  return `smppd_${name.replace(/-/g, '_')}`;
}

export function defineScripts(r: Redis): void {
  for (const n of SCRIPTS) r.defineCommand(commandName(n), { numberOfKeys: 0, lua: scriptSource(n) });
}

type Arg = string | number | Buffer | Uint8Array;

/** Run a script; `buffers` returns bulk strings as Buffers (claim returns PDU bodies). */
export function runScript(r: Redis, name: ScriptName, args: Arg[], buffers = false): Promise<unknown> {
  const fn = (r as unknown as Record<string, (...a: Arg[]) => Promise<unknown>>)[
    buffers ? `${commandName(name)}Buffer` : commandName(name)
  ];
  return fn!.apply(r, args);
}
