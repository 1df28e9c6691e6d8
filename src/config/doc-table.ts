/**
 * docs/CONFIG.md's field tables, made from the schema: each field's default and meaning as written next
 * to it. A table sits between `<!-- fields: NAME -->` and `<!-- /fields -->`; the prose around it is the
 * doc's own. `npm run docs:config` writes them; test/docs/config-doc.test.ts checks the file is current.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type * as z from 'zod';
import { carrierOwnShape } from './carrier-schema.js';
import { careShape, routingShape, textShape } from './care-schema.js';
import { channelFieldShape, channelOwnShape, cmppShape } from './channel-schema.js';
import { queueShape } from './queue-schema.js';
import { intakeShape, logShape, metricsShape, poolShape, redisShape, shutdownShape, topShape } from './schema.js';

type Shape = Record<string, z.ZodType>;

/** What the doc says of one field: its metadata, its default, and the fields under it when it is a mapping. */
interface Field { description?: string; docDefault?: string; value?: unknown; optional: boolean; shape?: Shape }

function field(schema: z.ZodType): Field {
  const out: Field = { optional: false };
  for (let s: z.ZodType | undefined = schema; s;) {
    const meta = s.meta();
    out.description ??= meta?.description;
    out.docDefault ??= meta?.default;
    const def = s.def as unknown as { type: string; innerType?: z.ZodType; defaultValue?: unknown; in?: z.ZodType; out?: z.ZodType; shape?: Shape };
    if (def.type === 'default' || def.type === 'prefault') {
      out.value ??= def.defaultValue;
      s = def.innerType;
    } else if (def.type === 'optional' || def.type === 'nullable') {
      out.optional = true;
      s = def.innerType;
    } else if (def.type === 'pipe') {
      // A mapping is a pipe from the step that reads YAML's empty values; a field's own step follows it.
      s = def.in!.def.type === 'transform' ? def.out : def.in;
    } else {
      out.shape = def.type === 'object' ? def.shape : undefined;
      s = undefined;
    }
  }
  return out;
}

/** A default as YAML writes it: a string YAML would read as a number (or nothing) in quotes. */
function yamlText(v: unknown): string {
  if (typeof v === 'string') return v === '' || /^[+-]?(\d+\.?\d*|\.\d+)$/.test(v) ? JSON.stringify(v) : v;
  if (Array.isArray(v)) return `[${v.map(yamlText).join(', ')}]`;
  return String(v);
}

function defaultText(f: Field): string {
  if (f.docDefault !== undefined) return f.docDefault;
  if (f.value !== undefined) return `\`${yamlText(f.value)}\``;
  return f.optional ? '—' : 'required';
}

/** One row per field; a mapping without a meaning of its own is spelt out, field by field (`failover.afterMs`). */
function rows(shape: Shape, prefix = ''): string[] {
  return Object.entries(shape).flatMap(([key, schema]) => {
    const f = field(schema);
    if (f.shape && f.description === undefined) return rows(f.shape, `${prefix}${key}.`);
    return [`| \`${prefix}${key}\` | ${defaultText(f)} | ${f.description ?? ''} |`];
  });
}

const env = {};
const { name, ...carrierOwn } = carrierOwnShape(env);

/** The tables by name, in the doc's order. */
export const TABLES: Record<string, { shape: Shape; prefix?: string }> = {
  top: { shape: topShape },
  redis: { shape: redisShape(env) },
  metrics: { shape: metricsShape },
  log: { shape: logShape },
  pool: { shape: poolShape },
  intake: { shape: intakeShape },
  queue: { shape: queueShape },
  text: { shape: textShape },
  routing: { shape: routingShape },
  care: { shape: careShape },
  shutdown: { shape: shutdownShape },
  carriers: { shape: { name, ...channelFieldShape(env), ...carrierOwn } },
  channels: { shape: channelOwnShape },
  cmpp: { shape: cmppShape, prefix: 'cmpp.' },
};
export function table(id: string): string {
  const t = TABLES[id];
  if (t === undefined) throw new Error(`docs/CONFIG.md names no table of the schema: ${id}`);
  const head = t.prefix ? `| \`${t.prefix}\` field | default | meaning |` : '| field | default | meaning |';
  return [head, '|---|---|---|', ...rows(t.shape, t.prefix)].join('\n');
}

/** `doc` with every table between its markers made anew from the schema. */
export function withTables(doc: string): string {
  return doc.replace(/(<!-- fields: ([a-z]+) -->\n)[\s\S]*?(\n<!-- \/fields -->)/g, (_m, open: string, id: string, close: string) => `${open}${table(id)}${close}`);
}

/** Writes the tables into `file` (docs/CONFIG.md); true when it changed. */
export function writeConfigDoc(file: string): boolean {
  const doc = readFileSync(file, 'utf8');
  const next = withTables(doc);
  if (next !== doc) writeFileSync(file, next);
  return next !== doc;
}
