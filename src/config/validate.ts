/**
 * A small validator that reports the dotted path of the first wrong field (`carriers[1].port`).
 * Hand-written rather than a schema library: the config is small and the messages matter more.
 */
import { SmppdError } from '../errors.js';

export type Obj = Record<string, unknown>;

export function fail(path: string, message: string): never {
  throw new SmppdError('CONFIG_INVALID', `${path}: ${message}`, { path });
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: unknown, path: string): Obj {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) fail(path, 'must be a mapping');
  return v;
}

/** Refuse keys the schema does not know: a typo must not silently fall back to a default. */
export function known(o: Obj, path: string, keys: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) fail(join(path, k), `unknown field (known: ${keys.join(', ')})`);
  }
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

export function str(o: Obj, key: string, path: string, def?: string): string {
  const v = o[key];
  if (v === undefined) {
    if (def === undefined) fail(join(path, key), 'is required');
    return def;
  }
  if (typeof v !== 'string') fail(join(path, key), `must be a string, got ${typeof v}`);
  return v;
}

export function int(o: Obj, key: string, path: string, def: number, min: number, max: number): number {
  const v = o[key] ?? def;
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(join(path, key), `must be an integer, got ${JSON.stringify(v)}`);
  if (v < min || v > max) fail(join(path, key), `must be between ${min} and ${max}, got ${v}`);
  return v;
}

export function num(o: Obj, key: string, path: string, def: number, min: number, max: number): number {
  const v = o[key] ?? def;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(join(path, key), `must be a number, got ${JSON.stringify(v)}`);
  if (v < min || v > max) fail(join(path, key), `must be between ${min} and ${max}, got ${v}`);
  return v;
}

export function bool(o: Obj, key: string, path: string, def: boolean): boolean {
  const v = o[key] ?? def;
  if (typeof v !== 'boolean') fail(join(path, key), `must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

export function oneOf<T extends string>(o: Obj, key: string, path: string, def: T, allowed: readonly T[]): T {
  const v = o[key] ?? def;
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    fail(join(path, key), `must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

export function strList(o: Obj, key: string, path: string, def: string[]): string[] {
  const v = o[key] ?? def;
  if (!Array.isArray(v)) fail(join(path, key), 'must be a list');
  return v.map((x, i) => {
    if (typeof x !== 'string' && typeof x !== 'number') fail(join(join(path, key), i), 'must be a string');
    return String(x);
  });
}

/** "HH:MM" (24 h). */
export function clock(o: Obj, key: string, path: string, def: string): string {
  const v = str(o, key, path, def);
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(v)) fail(join(path, key), `must be HH:MM, got ${JSON.stringify(v)}`);
  return v;
}
