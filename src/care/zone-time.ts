/**
 * Wall-clock arithmetic in IANA zones without a date library: Intl gives the zone's UTC offset, the
 * rest is plain UTC arithmetic. Pure; cached because prepare runs it for every marketing job.
 */

export interface WallTime { year: number; month: number; day: number; hour: number; minute: number; weekday: number } // month 1-12, weekday 0 = Sunday

const MS_MIN = 60_000;
const DAY_MS = 86_400_000;
// Zone transitions in the tz database fall on quarter hours, so one offset per zone per 15 minutes is exact.
const SLOT_MS = 15 * MS_MIN;
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

function computeOffsetMin(tz: string, ms: number): number {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / MS_MIN);
}

/** The zone's offset from UTC in minutes at instant `ms` (Asia/Shanghai: 480; Europe/London: 0 or 60). */
export function utcOffsetMin(tz: string, ms: number): number {
  const slot = Math.floor(ms / SLOT_MS);
  const key = `${tz}|${slot}`;
  let off = offsets.get(key);
  if (off === undefined) {
    off = computeOffsetMin(tz, slot * SLOT_MS);
    if (offsets.size >= 10_000) offsets.clear(); // bounded: a long run must not grow without end
    offsets.set(key, off);
  }
  return off;
}

/** The wall clock in `tz` at instant `ms`. */
export function wallTime(tz: string, ms: number): WallTime {
  const d = new Date(ms + utcOffsetMin(tz, ms) * MS_MIN);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), weekday: d.getUTCDay(),
  };
}

/**
 * The instant the wall clock in `tz` reads year-month-day hour:minute. Day and month may overflow
 * (day 32 is the 1st of the next month). A wall time skipped by a DST jump maps to the instant just
 * after the jump (01:30 on the London spring-forward day is 02:30 BST); a repeated one to its first.
 */
export function wallToUtc(tz: string, year: number, month: number, day: number, hour = 0, minute = 0): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // The offsets a day either side cover both sides of any DST change near this wall time.
  const before = wall - utcOffsetMin(tz, wall - DAY_MS) * MS_MIN;
  const after = wall - utcOffsetMin(tz, wall + DAY_MS) * MS_MIN;
  const reads = (at: number): boolean => at + utcOffsetMin(tz, at) * MS_MIN === wall;
  const [early, late] = before <= after ? [before, after] : [after, before];
  if (reads(early)) return early;
  if (reads(late)) return late;
  return late; // skipped by the jump: the instant the clock passed it
}

// A queued job can wait long past its send time (a full lane, a carrier down); claim.lua re-checks quiet
// hours with the offsets ingest stored, so it gets the zone's changes for a year after the send time.
const CHANGES_HORIZON_DAYS = 370;
const changesByDay = new Map<string, [number, number][]>();

/** The zone's offset changes from the start of the UTC day of `ms` for a year: [instant, new offset]. */
function changesFromDay(tz: string, day: number): [number, number][] {
  const key = `${tz}|${day}`;
  let list = changesByDay.get(key);
  if (list !== undefined) return list;
  list = [];
  let prev = computeOffsetMin(tz, day * DAY_MS);
  for (let d = day + 1; d <= day + CHANGES_HORIZON_DAYS; d++) {
    const off = computeOffsetMin(tz, d * DAY_MS);
    if (off === prev) continue;
    // The change lies in the day before: find its 15-minute slot (tz transitions fall on quarter hours).
    let lo = (d - 1) * DAY_MS / SLOT_MS, hi = d * DAY_MS / SLOT_MS; // offset(lo) = prev, offset(hi) = off
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (computeOffsetMin(tz, mid * SLOT_MS) === prev) lo = mid; else hi = mid;
    }
    list.push([hi * SLOT_MS, off]);
    prev = off;
  }
  // Once per zone per day (about 380 Intl calls, not cached in `offsets`); bounded as `offsets` is.
  if (changesByDay.size >= 1_000) changesByDay.clear();
  changesByDay.set(key, list);
  return list;
}

/**
 * The zone's offset changes after `ms`, within about a year, as claim.lua reads them: `minute,offset`
 * pairs joined by commas, the minute counted from the epoch ('' when the zone keeps its offset;
 * Asia/Shanghai). Minutes, not ms: four changes a year still fit a 64-byte value, so the job hash
 * stays a listpack (ingest.lua).
 */
export function offsetChangesAfter(tz: string, ms: number): string {
  const list = changesFromDay(tz, Math.floor(ms / DAY_MS));
  if (list.length === 0) return '';
  return list.filter(([at]) => at > ms).map(([at, off]) => `${at / MS_MIN},${off}`).join(',');
}
