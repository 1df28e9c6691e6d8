/**
 * One job from raw stream entry to ready-to-write PDU bodies for its carrier's channels. Pure CPU, run in
 * the pool: parse, validate, normalise, route, China rules, segment, encode, fingerprint.
 */
import { createHash } from 'node:crypto';
import type { ErrorCode } from '../errors.js';
import { defaultJobId, type Prepared, type PreparedChannels, type PreparedOk, type PreparedRejected, type RawJob } from '../types.js';
import { normaliseNumber } from '../route/normalise.js';
import { zoneForNumber } from '../route/country-tz.js';
import { applyChinaRules } from '../text/china-rules.js';
import { segmentText } from '../text/segment.js';
import { encodeSubmitSmBody } from '../smpp/submit-encoder.js';
import { isFieldError, parseJob, type ValidJob } from './job-fields.js';
import { formatAbsoluteTime } from './smpp-time.js';
import { cutForChannels, encodeForChannels } from './prepare-channels.js';
import { planCare } from '../care/plan.js';
import type { PrepareContext } from './prepare-context.js';

export { buildPrepareContext, type PrepareContext } from './prepare-context.js';

/** A batch to prepare: what the pool's worker (worker.ts) and the inline preparer are given. */
export interface PrepareTask {
  raws: RawJob[];
  now: number;
  /** Carrier of ported numbers, keyed by E.164 number ("+86…"). */
  overrides?: Record<string, string>;
}

/**
 * One job that throws must not fail the other jobs of its batch: it is rejected on its own. Here, not
 * in worker.ts, so that preparing inline does not load piscina.
 */
export function prepareOne(raw: RawJob, c: PrepareContext, task: PrepareTask): Prepared {
  try {
    return prepareJob(raw, c, task.now, task.overrides);
  } catch (err) {
    return { ok: false, id: defaultJobId(raw), code: 'BAD_FIELD', error: `could not prepare: ${(err as Error).message}` };
  }
}

function reject(job: { id: string; meta?: string }, code: ErrorCode, error: string, to?: string): PreparedRejected {
  return { ok: false, id: job.id, code, error, ...(to !== undefined ? { to } : {}), ...(job.meta ? { meta: job.meta } : {}) };
}

function fingerprint(job: ValidJob, to: string, byContent: boolean): string {
  if (job.dedupKey !== undefined) return createHash('sha1').update('k:' + job.dedupKey).digest('hex');
  if (byContent) return createHash('sha1').update('c:' + to + '\n' + job.text).digest('hex');
  return '';
}

/**
 * `override` is the carrier of a ported number (from Redis): a carrier name, or a table keyed by
 * E.164 number for a batch.
 */
export function prepareJob(
  raw: RawJob,
  ctx: PrepareContext,
  now: number,
  override?: string | Readonly<Record<string, string>>,
): Prepared {
  const job = parseJob(raw.payload, defaultJobId(raw), { now, maxAheadMs: ctx.maxScheduleMs });
  if (isFieldError(job)) return { ok: false, ...job };

  const to = normaliseNumber(job.to, ctx.countryCode);
  if (to === null) return reject(job, 'BAD_NUMBER', 'the recipient is not a valid phone number');
  const carrier = ctx.route(to, typeof override === 'object' ? override[to] : override);
  const opts = carrier === null ? undefined : ctx.carriers.get(carrier);
  if (carrier === null || opts === undefined) return reject(job, 'UNROUTABLE', 'no carrier route for the recipient', to);
  if (job.expiresAt !== 0 && job.expiresAt <= Math.max(now, job.sendAt)) {
    return reject(job, 'EXPIRED', 'expiresAt is not after the send time', to);
  }

  let text = job.text;
  if (to.startsWith('+86')) {
    const ruled = applyChinaRules(text, job.class, { signature: ctx.signature, optOutLine: ctx.optOutLine, optOut: opts.optOut });
    if (ruled === 'MISSING_OPTOUT') return reject(job, 'MISSING_OPTOUT', 'marketing text lacks the opt-out line', to);
    text = ruled;
  }

  const dest = to.slice(1);
  // A carrier with one SMPP channel named as itself (the common case) segments as before channels.
  const smpp = opts.untagged;
  const seg = smpp === null
    ? cutForChannels(text, opts, ctx.refs, dest)
    : segmentText(text, { concat: smpp.concat, maxParts: opts.maxParts, reserve: opts.signatureReserve, refs: ctx.refs, dest });
  if (seg === 'TOO_MANY_PARTS') return reject(job, 'TOO_MANY_PARTS', `the text needs more than ${opts.maxParts} parts`, to);

  const tz = job.tz ?? zoneForNumber(to, ctx.defaultTz);
  // Marketing always respects quiet hours; other classes only when the job asks.
  const quietHours = job.class === 'marketing' ? 'respect' : (job.quietHours ?? 'ignore');
  const care = planCare({ class: job.class, to, tz, respectQuiet: quietHours === 'respect', sendAt: job.sendAt }, ctx.care, now);
  if (care.deferred && job.expiresAt !== 0 && job.expiresAt <= care.sendAt) {
    return reject(job, 'EXPIRED', 'expiresAt falls before the end of the recipient\'s quiet hours', to);
  }

  const from = job.from ?? ctx.defaultFrom;
  const validityPeriod = job.expiresAt === 0 ? '' : formatAbsoluteTime(job.expiresAt);
  let parts: Uint8Array[];
  let channels: PreparedChannels[] | undefined;
  if ('bounds' in seg) {
    const atTime = care.sendAt > now ? formatAbsoluteTime(care.sendAt) : '';
    ({ parts, channels } = encodeForChannels(text, seg, opts.sets, { jobFrom: job.from, from, to, validityPeriod, atTime }));
  } else {
    const o = smpp!;
    const dataCoding = seg.alphabet === 'gsm' ? o.dataCodingGsm : o.dataCodingUcs2;
    parts = new Array(seg.parts.length);
    for (let i = 0; i < seg.parts.length; i++) {
      const p = seg.parts[i];
      parts[i] = encodeSubmitSmBody({
        sourceTon: o.sourceTon,
        sourceNpi: o.sourceNpi,
        source: from,
        destTon: o.destTon,
        destNpi: o.destNpi,
        dest,
        esmClass: seg.esmClass,
        validityPeriod,
        registeredDelivery: o.registeredDelivery,
        dataCoding,
        shortMessage: p.shortMessage,
        ...(p.tlvs ? { tlvs: p.tlvs } : {}),
      });
    }
  }

  // Optional fields are set on the one object, not spread in from a temporary one each (the daemon
  // prepares every job on its I/O thread: inline-prepare.ts).
  const out: PreparedOk = {
    ok: true,
    id: job.id,
    to,
    from,
    carrier,
    class: job.class,
    parts,
    fingerprint: fingerprint(job, to, ctx.dedupByContent),
    sendAt: care.sendAt,
    expiresAt: job.expiresAt,
    tz,
    quietHours,
    resend: job.resend,
  };
  if (channels) out.channels = channels;
  if (job.meta) out.meta = job.meta;
  if (care.utcOffsetMin !== undefined) out.utcOffsetMin = care.utcOffsetMin;
  if (care.offsetChanges !== undefined) out.offsetChanges = care.offsetChanges;
  if (care.deferred) out.deferred = 'quiet-hours';
  if (care.cap) out.cap = care.cap;
  return out;
}
