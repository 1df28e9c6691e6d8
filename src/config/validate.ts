/**
 * A small validator that names each wrong field by its dotted path (`carriers[1].port`). Inside collect(),
 * a wrong value is recorded and the check goes on with the field's default, so one run names the wrong
 * values it can reach; what leaves nothing to check beyond it (a section that is no mapping, a secret that
 * cannot be read, a wrong carrier or channel name) ends the check with the problems found so far.
 */
import { SmppdError } from '../errors.js';

export type Obj = Record<string, unknown>;

type Problem = { path: string; text: string };

/** What collect() has found so far; null outside it (the first problem throws). */
let found: Problem[] | null = null;

/** A carrier-level default is read for each channel that inherits it: one problem, said once. */
function record(list: Problem[], path: string, text: string): void {
  if (!list.some((p) => p.text === text)) list.push({ path, text });
}

/** One CONFIG_INVALID naming every problem; its `path` is the first's. */
function invalid(list: Problem[], cause?: unknown): SmppdError {
  return new SmppdError('CONFIG_INVALID', list.map((p) => p.text).join('; '), { path: list[0]!.path, ...(cause === undefined ? {} : { cause }) });
}

/** A wrong shape: nothing under `path` can be read, so the check stops here. */
export function fail(path: string, message: string): never {
  throw new SmppdError('CONFIG_INVALID', `${path}: ${message}`, { path });
}

/** A wrong value: recorded once while collecting (the caller goes on), thrown otherwise. */
export function problem(path: string, message: string): void {
  if (found === null) fail(path, message);
  record(found, path, `${path}: ${message}`);
}

/** Runs `check` and throws one CONFIG_INVALID naming every problem it found (`path` is the first's). */
export function collect<T>(check: () => T): T {
  const outer = found;
  const mine: Problem[] = [];
  found = mine;
  try {
    let value: T | undefined;
    try {
      value = check();
    } catch (e) {
      // Anything else thrown after a problem may come from a default put in its place: the problems come first.
      if (!(e instanceof SmppdError) || e.code !== 'CONFIG_INVALID') {
        if (mine.length === 0) throw e;
        throw invalid(mine, e);
      }
      record(mine, e.path ?? '', e.message);
    }
    if (mine.length === 0) return value as T;
    throw invalid(mine);
  } finally {
    found = outer;
  }
}

/** problem(), then the field's default in its place so the check goes on. */
function wrong<T>(path: string, message: string, fallback: T): T {
  problem(path, message);
  return fallback;
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
    if (!keys.includes(k)) problem(join(path, k), `unknown field (known: ${keys.join(', ')})`);
  }
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

export function str(o: Obj, key: string, path: string, def?: string): string {
  const v = o[key];
  if (v === undefined) {
    if (def === undefined) problem(join(path, key), 'is required');
    return def ?? '';
  }
  if (typeof v !== 'string') {
    problem(join(path, key), `must be a string, got ${typeof v}`);
    return def ?? '';
  }
  return v;
}

export function int(o: Obj, key: string, path: string, def: number, min: number, max: number): number {
  const v = o[key] ?? def;
  if (typeof v !== 'number' || !Number.isInteger(v)) return wrong(join(path, key), `must be an integer, got ${JSON.stringify(v)}`, def);
  if (v < min || v > max) return wrong(join(path, key), `must be between ${min} and ${max}, got ${v}`, def);
  return v;
}

export function num(o: Obj, key: string, path: string, def: number, min: number, max: number): number {
  const v = o[key] ?? def;
  if (typeof v !== 'number' || !Number.isFinite(v)) return wrong(join(path, key), `must be a number, got ${JSON.stringify(v)}`, def);
  if (v < min || v > max) return wrong(join(path, key), `must be between ${min} and ${max}, got ${v}`, def);
  return v;
}

export function bool(o: Obj, key: string, path: string, def: boolean): boolean {
  const v = o[key] ?? def;
  if (typeof v !== 'boolean') return wrong(join(path, key), `must be true or false, got ${JSON.stringify(v)}`, def);
  return v;
}

export function oneOf<T extends string>(o: Obj, key: string, path: string, def: T, allowed: readonly T[]): T {
  const v = o[key] ?? def;
  if (typeof v !== 'string' || !allowed.includes(v as T)) return wrong(join(path, key), `must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`, def);
  return v as T;
}

export function strList(o: Obj, key: string, path: string, def: string[]): string[] {
  const v = o[key] ?? def;
  if (!Array.isArray(v)) return wrong(join(path, key), 'must be a list', def);
  return v.map((x, i) => {
    if (typeof x !== 'string' && typeof x !== 'number') problem(join(join(path, key), i), 'must be a string');
    return String(x);
  });
}

/** "HH:MM" (24 h). */
export function clock(o: Obj, key: string, path: string, def: string): string {
  const v = str(o, key, path, def);
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(v)) return wrong(join(path, key), `must be HH:MM, got ${JSON.stringify(v)}`, def);
  return v;
}
