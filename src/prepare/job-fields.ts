/** Parsing and field validation of one job payload (README "Job format"). Pure. */
import type { ErrorCode } from '../errors.js';
import type { JobClass } from '../types.js';
import { META_MAX_BYTES, META_MAX_DEPTH, rawMember, utf8Over } from './job-meta.js';

export interface ValidJob {
  id: string;
  to: string; // as written; normalised later
  text: string; // trimmed
  from?: string;
  class: JobClass;
  sendAt: number; // 0 = now
  expiresAt: number; // 0 = never
  dedupKey?: string;
  tz?: string;
  quietHours?: 'respect' | 'ignore';
  resend: boolean;
  meta?: string; // the app's own JSON text of the object (job-meta.ts)
}

export interface FieldError {
  code: ErrorCode;
  error: string;
  id: string;
  meta?: string;
}

export const MAX_TEXT_CHARS = 10_000;
const ID = /^[A-Za-z0-9._:-]{1,128}$/;
const SOURCE_ADDR = /^[\x20-\x7e]{1,20}$/; // SMPP 3.4 §5.2.8: C-Octet String of up to 21 with NUL
// Control characters other than \t \n \r, including C1 and DEL: no handset shows them sensibly.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const CLASSES: ReadonlySet<string> = new Set(['otp', 'transactional', 'marketing']);
// Every field a job may have (README "Job format"). Anything else is refused, not ignored: a job with
// `send_at` or `Class` would otherwise be sent at once as transactional, past quiet hours and opt-out.
const FIELDS: ReadonlySet<string> = new Set(['id', 'to', 'text', 'from', 'class', 'sendAt', 'expiresAt', 'dedupKey',
  'tz', 'quietHours', 'resend', 'meta']);
const MAX_TZ_CHARS = 64; // longer than any IANA name; also bounds what the zone cache keeps

/** How far ahead a job may be timed: `now` and `maxAheadMs` (queue.maxScheduleDays). */
export interface TimeBounds { now: number; maxAheadMs: number }

const zoneCache = new Map<string, boolean>();
export function isValidZone(tz: string): boolean {
  let ok = zoneCache.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    if (zoneCache.size < 1000) zoneCache.set(tz, ok);
  }
  return ok;
}

/** ISO 8601 string, epoch-ms number or digit string -> epoch ms; null when invalid. */
function parseTime(v: unknown): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : null;
  if (typeof v !== 'string' || v === '') return null;
  if (/^\d+$/.test(v)) return parseTime(Number(v));
  const ms = Date.parse(v);
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The meta text to keep, or the reason it is refused; undefined when the job has none. */
function metaOf(j: Record<string, unknown>, payload: string): { text: string } | { error: string } | undefined {
  if (j.meta === undefined) return undefined;
  if (!isPlainObject(j.meta)) return { error: 'meta must be an object' };
  const raw = rawMember(payload, 'meta');
  if (raw === undefined) return { error: 'meta must be an object' };
  if (utf8Over(raw.text, META_MAX_BYTES)) return { error: `meta must be at most ${META_MAX_BYTES} bytes of JSON` };
  if (raw.depth > META_MAX_DEPTH) return { error: `meta must nest at most ${META_MAX_DEPTH} levels deep` };
  return { text: raw.text };
}

function unknownField(j: Record<string, unknown>): string | undefined {
  for (const k in j) if (!FIELDS.has(k)) return k;
  return undefined;
}

export function parseJob(payload: string, entryId: string, bounds?: TimeBounds): ValidJob | FieldError {
  let j: unknown;
  try {
    j = JSON.parse(payload);
  } catch {
    return { code: 'BAD_JSON', error: 'job payload is not valid JSON', id: entryId };
  }
  if (!isPlainObject(j)) return { code: 'BAD_FIELD', error: 'job payload is not a JSON object', id: entryId };

  const m = metaOf(j, payload);
  const meta = m !== undefined && 'text' in m ? m.text : undefined;
  const idOk = typeof j.id === 'string' && ID.test(j.id);
  const id = idOk ? (j.id as string) : entryId;
  const bad = (error: string): FieldError => ({ code: 'BAD_FIELD', error, id, ...(meta ? { meta } : {}) });

  if (j.id !== undefined && !idOk) return bad('id must be 1-128 characters of A-Z a-z 0-9 . _ : -');
  if (m !== undefined && 'error' in m) return bad(m.error);
  const unknown = unknownField(j);
  if (unknown !== undefined) return bad(`unknown field ${JSON.stringify(unknown.slice(0, 64))}`);
  if (typeof j.to !== 'string') return bad('to must be a string');
  if (typeof j.text !== 'string') return bad('text must be a string');
  const cls = j.class === undefined ? 'transactional' : j.class;
  if (typeof cls !== 'string' || !CLASSES.has(cls)) return bad('class must be otp, transactional or marketing');
  if (j.from !== undefined && (typeof j.from !== 'string' || !SOURCE_ADDR.test(j.from))) {
    return bad('from must be 1-20 printable ASCII characters');
  }
  const sendAt = j.sendAt === undefined ? 0 : parseTime(j.sendAt);
  if (sendAt === null) return bad('sendAt must be an ISO 8601 time or epoch milliseconds');
  const expiresAt = j.expiresAt === undefined ? 0 : parseTime(j.expiresAt);
  if (expiresAt === null) return bad('expiresAt must be an ISO 8601 time or epoch milliseconds');
  if (bounds && sendAt > bounds.now + bounds.maxAheadMs) return bad(`sendAt must be at most ${daysOf(bounds)} days ahead`);
  if (bounds && expiresAt > Math.max(bounds.now, sendAt) + bounds.maxAheadMs) {
    return bad(`expiresAt must be at most ${daysOf(bounds)} days after the send time`);
  }
  if (j.tz !== undefined && (typeof j.tz !== 'string' || j.tz.length > MAX_TZ_CHARS || !isValidZone(j.tz))) {
    return bad('tz must be an IANA time zone');
  }
  if (j.quietHours !== undefined && j.quietHours !== 'respect' && j.quietHours !== 'ignore') {
    return bad('quietHours must be respect or ignore');
  }
  if (j.resend !== undefined && typeof j.resend !== 'boolean') return bad('resend must be a boolean');
  if (j.dedupKey !== undefined && (typeof j.dedupKey !== 'string' || j.dedupKey === '' || j.dedupKey.length > 512)) {
    return bad('dedupKey must be a non-empty string of at most 512 characters');
  }

  const text = j.text.trim();
  if (text === '') return { code: 'EMPTY_TEXT', error: 'the text is empty', id, ...(meta ? { meta } : {}) };
  if (text.length > MAX_TEXT_CHARS) {
    return { code: 'TOO_MANY_PARTS', error: `text longer than ${MAX_TEXT_CHARS} characters`, id, ...(meta ? { meta } : {}) };
  }
  if (CONTROL.test(text)) return bad('text contains control characters');
  if (LONE_SURROGATE.test(text)) return bad('text contains an unpaired surrogate');

  return {
    id,
    to: j.to,
    text,
    ...(j.from !== undefined ? { from: j.from as string } : {}),
    class: cls as JobClass,
    sendAt,
    expiresAt,
    ...(j.dedupKey !== undefined ? { dedupKey: j.dedupKey as string } : {}),
    ...(j.tz !== undefined ? { tz: j.tz as string } : {}),
    ...(j.quietHours !== undefined ? { quietHours: j.quietHours as 'respect' | 'ignore' } : {}),
    resend: j.resend === true,
    ...(meta ? { meta } : {}),
  };
}

function daysOf(b: TimeBounds): number {
  return Math.round(b.maxAheadMs / 86_400_000);
}

export function isFieldError(v: ValidJob | FieldError): v is FieldError {
  return 'code' in v;
}
