import t from 'tap';
import { clockMinutes, isQuietMinute, minuteOfDay, nextAllowedMs, quietWindow } from '../../src/care/quiet-hours.js';

const Z = (iso: string): number => Date.parse(iso);
const night = quietWindow('21:00', '08:00');

t.test('clock strings become minutes of the day', async (t) => {
  t.equal(clockMinutes('21:00'), 1260);
  t.equal(clockMinutes('08:00'), 480);
  t.equal(clockMinutes('00:00'), 0);
  t.throws(() => clockMinutes('8:00'), /HH:MM/);
});

t.test('a window that wraps midnight holds its start minute and not its end minute', async (t) => {
  t.notOk(isQuietMinute(clockMinutes('20:59'), night));
  t.ok(isQuietMinute(clockMinutes('21:00'), night));
  t.ok(isQuietMinute(clockMinutes('00:00'), night));
  t.ok(isQuietMinute(clockMinutes('07:59'), night));
  t.notOk(isQuietMinute(clockMinutes('08:00'), night));
});

t.test('a daytime window and an empty window', async (t) => {
  const lunch = quietWindow('12:00', '14:00');
  t.ok(isQuietMinute(clockMinutes('12:00'), lunch));
  t.notOk(isQuietMinute(clockMinutes('14:00'), lunch));
  t.notOk(isQuietMinute(clockMinutes('11:59'), lunch));
  const none = quietWindow('00:00', '00:00');
  for (const m of [0, 600, 1439]) t.notOk(isQuietMinute(m, none), `start = end means no quiet hours (${m})`);
});

t.test('minute of day from an offset matches what claim.lua computes', async (t) => {
  t.equal(minuteOfDay(Z('2030-01-15T12:59:30Z'), 480), clockMinutes('20:59'));
  t.equal(minuteOfDay(Z('2030-01-15T03:00:00Z'), -300), clockMinutes('22:00'), 'negative offsets wrap to the previous day');
});

t.test('the edge minutes in Shanghai: 20:59 and 08:00 are allowed, 21:00 and 07:59 wait for 08:00', async (t) => {
  t.equal(nextAllowedMs(Z('2030-01-15T12:59:59Z'), 'Asia/Shanghai', night), null, '20:59:59');
  t.equal(nextAllowedMs(Z('2030-01-15T13:00:00Z'), 'Asia/Shanghai', night), Z('2030-01-16T00:00:00Z'), '21:00 -> 08:00 next day');
  t.equal(nextAllowedMs(Z('2030-01-15T16:30:00Z'), 'Asia/Shanghai', night), Z('2030-01-16T00:00:00Z'), '00:30 -> 08:00 same day');
  t.equal(nextAllowedMs(Z('2030-01-15T23:59:00Z'), 'Asia/Shanghai', night), Z('2030-01-16T00:00:00Z'), '07:59 -> 08:00');
  t.equal(nextAllowedMs(Z('2030-01-16T00:00:00Z'), 'Asia/Shanghai', night), null, '08:00');
});

t.test('across a DST change the deferral still ends at 08:00 on the local clock (Europe/London)', async (t) => {
  // Spring: clocks go forward at 01:00 UTC on 2030-03-31, so 08:00 BST is 07:00 UTC.
  t.equal(nextAllowedMs(Z('2030-03-30T22:00:00Z'), 'Europe/London', night), Z('2030-03-31T07:00:00Z'));
  // Autumn: clocks go back at 01:00 UTC on 2030-10-27, so 08:00 GMT is 08:00 UTC; 21:00 BST the evening before is 20:00 UTC.
  t.equal(nextAllowedMs(Z('2030-10-26T20:00:00Z'), 'Europe/London', night), Z('2030-10-27T08:00:00Z'));
  t.equal(nextAllowedMs(Z('2030-10-26T19:59:00Z'), 'Europe/London', night), null, '20:59 BST is allowed');
});
