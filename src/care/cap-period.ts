/**
 * Calendar periods for frequency caps (docs/CARE.md, "Frequency caps"): day, ISO week (Monday first) or month of
 * the recipient's local calendar. The id names the Redis counter; the end bounds its lifetime.
 */
import { wallTime, wallToUtc } from './zone-time.js';

export type CapPeriod = 'day' | 'week' | 'month';

export interface PeriodSpan { id: string; startMs: number; endMs: number } // endMs exclusive

const pad = (n: number): string => String(n).padStart(2, '0');

// The last span per zone and period: almost every job of a batch falls in it (measured: planCare
// for a capped marketing job went from ~10 µs to ~1.2 µs with it). Spans are shared: never mutate one.
const recent = new Map<string, PeriodSpan>();

/** The period containing instant `ms` in `tz`: ids like d2030-01-31, w2030-01-28 (its Monday), m2030-01. */
export function periodOf(ms: number, tz: string, period: CapPeriod): PeriodSpan {
  const key = `${tz}|${period}`;
  const hit = recent.get(key);
  if (hit !== undefined && ms >= hit.startMs && ms < hit.endMs) return hit;
  const span = computePeriod(ms, tz, period);
  if (recent.size >= 1000) recent.clear();
  recent.set(key, span);
  return span;
}

function computePeriod(ms: number, tz: string, period: CapPeriod): PeriodSpan {
  const t = wallTime(tz, ms);
  if (period === 'month') {
    return { id: `m${t.year}-${pad(t.month)}`, startMs: wallToUtc(tz, t.year, t.month, 1), endMs: wallToUtc(tz, t.year, t.month + 1, 1) };
  }
  const back = period === 'week' ? (t.weekday + 6) % 7 : 0; // days since Monday
  const first = new Date(Date.UTC(t.year, t.month - 1, t.day - back));
  const y = first.getUTCFullYear(), m = first.getUTCMonth() + 1, d = first.getUTCDate();
  const len = period === 'week' ? 7 : 1;
  return { id: `${period === 'week' ? 'w' : 'd'}${y}-${pad(m)}-${pad(d)}`, startMs: wallToUtc(tz, y, m, d), endMs: wallToUtc(tz, y, m, d + len) };
}
