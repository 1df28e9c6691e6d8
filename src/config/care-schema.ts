/** The `care`, `text` and `routing` sections: what is sent to whom, and when (docs/CARE.md). */
import { bool, clock, int, mapping, oneOf, statusList, strings, text } from './fields.js';

const MS_DAY = 86_400_000;

const knownZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const quietHoursShape = {
  start: clock().default('21:00').meta({ description: 'marketing is deferred (not dropped) inside this window of the recipient\'s local time; start = end: none (docs/CARE.md)' }),
  end: clock().default('08:00').meta({ description: 'the end of that window' }),
  defaultTz: text().refine(knownZone, { error: (iss) => `unknown time zone ${iss.input}` }).default('Asia/Shanghai')
    .meta({ description: 'zone when neither the job\'s `tz` nor the number\'s country gives one' }),
};

const cap = mapping({ limit: int(1, 1_000_000).default(4), period: oneOf(['day', 'week', 'month']).default('month') });
const CLASSES = ['otp', 'transactional', 'marketing'] as const;
const caps = mapping({ otp: cap.optional(), transactional: cap.optional(), marketing: cap.optional() }, CLASSES)
  .transform((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as Partial<typeof c>);

export const careShape = {
  quietHours: mapping(quietHoursShape),
  caps: caps.prefault({ marketing: {} }).meta({
    default: '`{ marketing: { limit: 4, period: month } }`',
    description: 'per recipient and class (`otp`, `transactional`, `marketing`): `limit` (default 4) per calendar `period` (`day`, `week` or `month`, default `month`) in the recipient\'s zone; over it → OVER_CAP',
  }),
  dedupWindowMs: int(0, 90 * MS_DAY).default(MS_DAY).meta({ description: 'a second job with the same fingerprint within this window → DUPLICATE (`0` = off)' }),
  dedupByContent: bool().default(false).meta({ description: 'fingerprint recipient + text when the job has no `dedupKey`' }),
  optOutKeywords: strings().default(['TD', 'T', '退订', 'STOP', 'UNSUBSCRIBE'])
    .meta({ description: 'an MO reading one of these (any case or width) opts its sender out of marketing' }),
  invalidErrorCodes: strings().default([]).meta({ description: 'receipt `err:` codes that mark a number invalid (→ INVALID_NUMBER)' }),
  invalidForMs: int(0, 365 * MS_DAY).default(30 * MS_DAY).meta({ default: '`2592000000` (30 days)', description: 'how long such a mark lasts' }),
  // ESME_RINVDSTADR only: a wrong TON/NPI (0x50, 0x51) is this side's setting, true of every number.
  invalidSubmitStatuses: statusList().default([0x0b])
    .meta({ default: '`[0x0B]`', description: 'submit_sm_resp command_status values that mark a number invalid (→ INVALID_NUMBER; docs/CARE.md)' }),
};

export const textShape = {
  signature: text().default('').meta({ description: '【…】 signature prepended to +86 texts that have none (counted in the length)' }),
  optOutLine: text().default('回复TD退订').meta({ description: 'line marketing texts to +86 numbers must carry (appended, or rejected per carrier `optOut`)' }),
  defaultFrom: text().default('smppd').meta({ description: 'sender address when a job has no `from`' }),
};

export const routingShape = {
  countryCode: text().default('86').meta({ description: 'country of numbers written without one' }),
  // Filled with the first carrier's name by the root schema, which knows the carriers.
  default: text().nullable().optional().meta({ default: 'the first carrier', description: 'carrier for numbers no prefix matches; `null` rejects them UNROUTABLE' }),
};

export const care = mapping(careShape);
export const routing = mapping(routingShape, ['default']);
