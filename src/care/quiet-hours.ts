/**
 * Quiet hours (docs/CARE.md, "Quiet hours"): a daily window of the recipient's local time in which marketing is
 * not sent but deferred to the first minute after it. The window may wrap midnight (21:00-08:00).
 */
import { utcOffsetMin, wallTime, wallToUtc } from './zone-time.js';

/** Minutes of the local day: start inclusive, end exclusive. start === end: no quiet hours. */
export interface QuietWindow { startMin: number; endMin: number }

const MS_MIN = 60_000;
const DAY_MIN = 1440;

/** "21:00" -> 1260. */
export function clockMinutes(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new Error(`not HH:MM: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function quietWindow(start: string, end: string): QuietWindow {
  return { startMin: clockMinutes(start), endMin: clockMinutes(end) };
}

/** Is minute-of-day `min` inside the window? claim.lua makes the same test from a stored offset. */
export function isQuietMinute(min: number, w: QuietWindow): boolean {
  if (w.startMin === w.endMin) return false;
  return w.startMin < w.endMin ? min >= w.startMin && min < w.endMin : min >= w.startMin || min < w.endMin;
}

/** Minute of the local day at instant `ms` for a zone `offsetMin` from UTC (what claim.lua computes). */
export function minuteOfDay(ms: number, offsetMin: number): number {
  return ((Math.floor(ms / MS_MIN) + offsetMin) % DAY_MIN + DAY_MIN) % DAY_MIN;
}

/**
 * The first allowed instant at or after `ms` for a recipient in `tz`: null when `ms` itself is
 * allowed, else the window's end on the right local day (computed on the wall clock, so a DST
 * change during the night still gives 08:00 local).
 */
export function nextAllowedMs(ms: number, tz: string, w: QuietWindow): number | null {
  const off = utcOffsetMin(tz, ms);
  const min = minuteOfDay(ms, off);
  if (!isQuietMinute(min, w)) return null;
  const t = wallTime(tz, ms);
  const tomorrow = w.startMin > w.endMin && min >= w.startMin;
  const at = wallToUtc(tz, t.year, t.month, t.day + (tomorrow ? 1 : 0), Math.floor(w.endMin / 60), w.endMin % 60);
  return Math.max(at, ms);
}
