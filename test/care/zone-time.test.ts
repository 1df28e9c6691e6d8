import t from 'tap';
import { offsetChangesAfter, utcOffsetMin, wallTime, wallToUtc } from '../../src/care/zone-time.js';

const Z = (iso: string): number => Date.parse(iso);

t.test('the UTC offset follows the zone, including its DST changes', async (t) => {
  t.equal(utcOffsetMin('Asia/Shanghai', Z('2030-01-15T12:00:00Z')), 480);
  t.equal(utcOffsetMin('Europe/London', Z('2030-01-15T12:00:00Z')), 0, 'London in winter is UTC');
  t.equal(utcOffsetMin('Europe/London', Z('2030-07-15T12:00:00Z')), 60, 'London in summer is UTC+1');
  t.equal(utcOffsetMin('Europe/London', Z('2030-03-31T00:59:59Z')), 0, 'one second before the spring jump');
  t.equal(utcOffsetMin('Europe/London', Z('2030-03-31T01:00:00Z')), 60, 'at the spring jump');
  t.equal(utcOffsetMin('Asia/Kolkata', Z('2030-01-15T12:00:00Z')), 330, 'half-hour zones');
  t.equal(utcOffsetMin('America/New_York', Z('2030-01-15T12:00:00Z')), -300, 'zones west of UTC');
});

t.test('wall time reads the local calendar and clock, weekday included', async (t) => {
  t.same(wallTime('Asia/Shanghai', Z('2030-01-31T16:30:00Z')), { year: 2030, month: 2, day: 1, hour: 0, minute: 30, weekday: 5 });
  t.same(wallTime('America/New_York', Z('2030-01-01T03:00:00Z')), { year: 2029, month: 12, day: 31, hour: 22, minute: 0, weekday: 1 });
});

t.test('a wall time maps back to its instant, with skipped and repeated times resolved', async (t) => {
  t.equal(wallToUtc('Asia/Shanghai', 2030, 1, 16, 8, 0), Z('2030-01-16T00:00:00Z'));
  t.equal(wallToUtc('Asia/Shanghai', 2030, 1, 32), Z('2030-01-31T16:00:00Z'), 'day 32 of January is 1 February');
  t.equal(wallToUtc('Europe/London', 2030, 3, 31, 8, 0), Z('2030-03-31T07:00:00Z'), '08:00 BST after the spring jump');
  t.equal(wallToUtc('Europe/London', 2030, 3, 31, 1, 30), Z('2030-03-31T01:00:00Z') + 30 * 60_000, 'skipped 01:30 is the instant after the jump (02:30 BST)');
  t.equal(wallToUtc('Europe/London', 2030, 10, 27, 1, 30), Z('2030-10-27T00:30:00Z'), 'repeated 01:30 is its first occurrence (BST)');
  t.equal(wallToUtc('Europe/London', 2030, 10, 27, 8, 0), Z('2030-10-27T08:00:00Z'), '08:00 GMT after the autumn change');
});

t.test('the offset changes of the year after an instant are listed to the minute, none for a zone without DST', async (t) => {
  const Z = (iso: string): number => Date.parse(iso);
  t.equal(offsetChangesAfter('Europe/London', Z('2030-01-15T12:00:00Z')),
    `${Z('2030-03-31T01:00:00Z') / 60_000},60,${Z('2030-10-27T01:00:00Z') / 60_000},0`, 'spring forward and fall back, both at 01:00 UTC');
  t.equal(offsetChangesAfter('Europe/London', Z('2030-03-31T01:00:00Z')),
    `${Z('2030-10-27T01:00:00Z') / 60_000},0,${Z('2031-03-30T01:00:00Z') / 60_000},60`, 'a change at the instant itself is not after it');
  t.equal(offsetChangesAfter('America/New_York', Z('2030-10-01T00:00:00Z')),
    `${Z('2030-11-03T06:00:00Z') / 60_000},-300,${Z('2031-03-09T07:00:00Z') / 60_000},-240`);
  t.equal(offsetChangesAfter('Asia/Shanghai', Z('2030-01-15T12:00:00Z')), '');
});
