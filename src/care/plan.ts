/**
 * What the Redis scripts need to apply the care rules to one job, computed where the time-zone
 * database is (the prepare pool): the send time after quiet hours, the zone offset claim.lua uses to
 * re-check quiet hours, and the frequency-cap counter with its limit and lifetime.
 */
import type { JobClass } from '../types.js';
import { periodOf, type CapPeriod } from './cap-period.js';
import { nextAllowedMs, type QuietWindow } from './quiet-hours.js';
import { offsetChangesAfter, utcOffsetMin } from './zone-time.js';

export interface CareRules {
  quiet: QuietWindow;
  caps: Partial<Record<JobClass, { limit: number; period: CapPeriod }>>;
}

export interface CapCounter {
  key: string; // class:period:number, under <prefix>cap:
  limit: number;
  expireAtMs: number; // the counter is useless after its period; kept an hour longer for late claims
}

export interface CarePlan {
  sendAt: number; // 0 = now
  deferred: boolean; // moved out of quiet hours
  utcOffsetMin?: number; // set when quiet hours apply: the zone's offset at the send time
  offsetChanges?: string; // and its changes within a year after it, `minute,offset,...` (zone-time.ts), when any
  cap?: CapCounter;
}

const CAP_GRACE_MS = 3_600_000;

export function planCare(
  job: { class: JobClass; to: string; tz: string; respectQuiet: boolean; sendAt: number },
  rules: CareRules,
  now: number,
): CarePlan {
  let at = Math.max(now, job.sendAt);
  const plan: CarePlan = { sendAt: job.sendAt, deferred: false };
  if (job.respectQuiet) {
    const next = nextAllowedMs(at, job.tz, rules.quiet);
    if (next !== null) { at = next; plan.sendAt = next; plan.deferred = true; }
    plan.utcOffsetMin = utcOffsetMin(job.tz, at);
    // A job claimed after a DST change is re-checked with the offset in force then (claim.lua zone_offset).
    const changes = offsetChangesAfter(job.tz, at);
    if (changes !== '') plan.offsetChanges = changes;
  }
  const cap = rules.caps[job.class];
  if (cap) {
    // Counted in the period the message will be sent in (after any deferral), in the recipient's calendar.
    const p = periodOf(at, job.tz, cap.period);
    plan.cap = { key: `${job.class}:${p.id}:${job.to}`, limit: cap.limit, expireAtMs: p.endMs + CAP_GRACE_MS };
  }
  return plan;
}
