/** Parsing and field validation of one job payload (README "Job format"). Pure. */
import type { ErrorCode } from '../errors.js';
import type { JobClass } from '../types.js';

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
  meta?: Record<string, unknown>;
}

export interface FieldError {
  code: ErrorCode;
  error: string;
  id: string;
  meta?: Record<string, unknown>;
}

export const MAX_TEXT_CHARS = 10_000;
const ID = /^[A-Za-z0-9._:-]{1,128}$/;
const SOURCE_ADDR = /^[\x20-\x7e]{1,20}$/; // SMPP 3.4 §5.2.8: C-Octet String of up to 21 with NUL
// Control characters other than \t \n \r, including C1 and DEL: no handset shows them sensibly.
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const CLASSES: ReadonlySet<string> = new Set(['otp', 'transactional', 'marketing']);

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

export function parseJob(payload: string, entryId: string): ValidJob | FieldError {
  let j: unknown;
  try {
    j = JSON.parse(payload);
  } catch {
    return { code: 'BAD_JSON', error: 'job payload is not valid JSON', id: entryId };
  }
  if (!isPlainObject(j)) return { code: 'BAD_FIELD', error: 'job payload is not a JSON object', id: entryId };

  const meta = isPlainObject(j.meta) ? j.meta : undefined;
  const idOk = typeof j.id === 'string' && ID.test(j.id);
  const id = idOk ? (j.id as string) : entryId;
  const bad = (error: string): FieldError => ({ code: 'BAD_FIELD', error, id, ...(meta ? { meta } : {}) });

  if (j.id !== undefined && !idOk) return bad('id must be 1-128 characters of A-Z a-z 0-9 . _ : -');
  if (j.meta !== undefined && meta === undefined) return bad('meta must be an object');
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
  if (j.tz !== undefined && (typeof j.tz !== 'string' || !isValidZone(j.tz))) return bad('tz must be an IANA time zone');
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

export function isFieldError(v: ValidJob | FieldError): v is FieldError {
  return 'code' in v;
}
