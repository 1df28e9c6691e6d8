/**
 * The kinds of config field, built on zod and worded as smppd words them. A field is one of these with
 * its default (`.default(v)`) and a `.meta({ description })` beside it; docs/CONFIG.md's tables are made
 * from that metadata (doc-table.ts). Every wording a field gives sits here or in problems.ts.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';

// One parse per start or reload: zod's compiled object parsers cost more to build than they save here
// (5 ms of a first parse of this schema), so they stay off.
z.config({ jitless: true });

declare module 'zod' {
  interface GlobalMeta {
    /** How docs/CONFIG.md writes a default the schema computes (or `.default()` cannot say). */
    default?: string;
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `must be between 1 and 65535, got 0`: a range's words, wherever a bound is checked. */
export const between = (min: number, max: number, v: unknown): string => `must be between ${min} and ${max}, got ${v}`;

/**
 * A YAML mapping whose keys are all known (a typo must not fall back to a default silently). An empty
 * value (`redis:`) is an empty mapping, and a key written with no value is left out; `keepNull` names
 * the keys whose `null` means something.
 */
export function mapping<S extends z.ZodRawShape>(shape: S, keepNull: readonly string[] = []) {
  const dropNulls = (v: unknown): unknown => {
    if (v === null || v === undefined) return {};
    return isObj(v) ? Object.fromEntries(Object.entries(v).filter(([k, x]) => x !== null || keepNull.includes(k))) : v;
  };
  return z.preprocess(dropNulls, z.strictObject(shape));
}

export const integer = () => z.int({ error: (iss) => `must be an integer, got ${JSON.stringify(iss.input)}` });

/** The error of both bounds of a range, worded by `between`. */
const range = (min: number, max: number) => ({ error: (iss: { input?: unknown }) => between(min, max, iss.input) });

export function int(min: number, max: number) {
  return integer().min(min, range(min, max)).max(max, range(min, max));
}

export function num(min: number, max: number) {
  return z.number({ error: (iss) => `must be a number, got ${JSON.stringify(iss.input)}` }).min(min, range(min, max)).max(max, range(min, max));
}

export const bool = () => z.boolean({ error: (iss) => `must be true or false, got ${JSON.stringify(iss.input)}` });

export const text = () => z.string();

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: (iss) => `must be one of ${values.join(', ')}, got ${JSON.stringify(iss.input)}` });
}

/** A carrier or channel name: it is part of Redis keys, metric labels and log lines. */
export const name = () => z.string().regex(/^[a-z0-9_-]{1,32}$/, 'must be 1-32 of a-z 0-9 _ -');

/** "HH:MM" (24 h). */
export const clock = () => z.string().refine((v) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v), { error: (iss) => `must be HH:MM, got ${JSON.stringify(iss.input)}` });

/** A list of strings; YAML reads `134` as a number, which is taken as its digits. */
export const strings = () => z.array(z.union([z.string(), z.number()], 'must be a string').transform(String));

/** SMPP command_status values: integers (YAML reads `0x0B` as 11). */
export function statusList() {
  const status = { error: (iss: { input?: unknown }) => `must be an SMPP command_status (an integer, e.g. 0x0B), got ${JSON.stringify(iss.input)}` };
  return z.array(z.int(status).min(1, status).max(0xffffffff, status));
}

/**
 * A secret (`password`, `tlsKeyPassphrase`, …): `"x"`, `{ env: NAME }` (read from `env`) or
 * `{ file: PATH }` (the file's content, one trailing newline dropped). Read as the file is checked,
 * never logged.
 */
export function secret(env: NodeJS.ProcessEnv) {
  const ref = mapping({ env: z.string().optional(), file: z.string().optional() });
  return z.union([z.string(), ref], 'must be a string, { env: NAME } or { file: PATH }').transform((v, ctx): string => {
    if (typeof v === 'string') return v;
    const fault = (message: string): string => (ctx.issues.push({ code: 'custom', message, input: v }), '');
    if (v.env !== undefined) return env[v.env] ?? fault(`environment variable ${v.env} is not set`);
    if (v.file === undefined) return fault('must name env or file');
    try {
      return readFileSync(v.file, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      return fault(`cannot read ${v.file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  });
}

type Issues = readonly z.core.$ZodRawIssue[];
const ofValue = (i: z.core.$ZodRawIssue): boolean => i.code !== 'unrecognized_keys';

/** Whether the value at a path (from the value being checked) is valid: no problem found at it, above it or under it. */
export type Valid = (...path: PropertyKey[]) => boolean;

/** The paths `issues` leave valid; an unknown key is no problem of a value (zod lets the values through whole). */
export function validIn(issues: Issues): Valid {
  const wrong = issues.filter(ofValue).map((i) => i.path ?? []);
  return (...path) => !wrong.some((w) => w.every((k, n) => n >= path.length || k === path[n]));
}

const isValue = (v: unknown): v is object => typeof v === 'object' && v !== null;
/** A problem of the value itself (a list where a mapping belongs): then none of its fields can be read. */
const atRoot = (i: z.core.$ZodRawIssue): boolean => ofValue(i) && (i.path ?? []).length === 0;

/**
 * The `when` of a rule between the fields `keys` of a mapping: it runs once those are valid, whatever
 * else is wrong (zod's own rule waits for every field).
 */
export const whenValid = (...keys: string[]) => ({
  when: (p: z.core.ParsePayload) => isValue(p.value) && keys.every((k) => validIn(p.issues)(k)),
});

/**
 * `schema` ending in `step`, which checks the rules between its fields (each once the fields it reads
 * are valid: `ok`) and makes the output. zod skips a transform once any problem is found, so while there
 * is one, the same step runs as a check instead and its output is dropped: either way it runs once.
 */
export function settled<S extends z.ZodType, O>(schema: S, step: (v: z.output<S>, ok: Valid, ctx: z.RefinementCtx) => O | undefined) {
  return schema
    .superRefine((v, ctx) => void step(v, validIn(ctx.issues), ctx), { when: (p) => isValue(p.value) && p.issues.some(ofValue) && !p.issues.some(atRoot) })
    .transform((v, ctx) => step(v, () => true, ctx) ?? z.NEVER);
}
