import t from 'tap';
import { periodOf } from '../../src/care/cap-period.js';

const Z = (iso: string): number => Date.parse(iso);

t.test('a month is the calendar month of the recipient, not of UTC', async (t) => {
  const last = periodOf(Z('2030-01-31T15:59:59Z'), 'Asia/Shanghai', 'month');
  t.same(last, { id: 'm2030-01', startMs: Z('2029-12-31T16:00:00Z'), endMs: Z('2030-01-31T16:00:00Z') });
  t.equal(periodOf(Z('2030-01-31T16:00:00Z'), 'Asia/Shanghai', 'month').id, 'm2030-02', 'midnight in Shanghai starts February');
  t.equal(periodOf(Z('2030-12-31T16:00:00Z'), 'Asia/Shanghai', 'month').id, 'm2031-01', 'the year rolls over');
});

t.test('a DST month ends at local midnight (Europe/London, March 2030)', async (t) => {
  const p = periodOf(Z('2030-03-15T12:00:00Z'), 'Europe/London', 'month');
  t.same(p, { id: 'm2030-03', startMs: Z('2030-03-01T00:00:00Z'), endMs: Z('2030-03-31T23:00:00Z') });
  t.equal(periodOf(Z('2030-03-31T23:00:00Z'), 'Europe/London', 'month').id, 'm2030-04', '00:00 BST on 1 April');
});

t.test('a day is a local day; the spring-forward day is 23 hours long', async (t) => {
  const d = periodOf(Z('2030-03-31T12:00:00Z'), 'Europe/London', 'day');
  t.equal(d.id, 'd2030-03-31');
  t.equal(d.endMs - d.startMs, 23 * 3_600_000);
});

t.test('a week starts on Monday in the recipient zone', async (t) => {
  const w = periodOf(Z('2030-01-15T12:00:00Z'), 'Asia/Shanghai', 'week'); // a Tuesday
  t.same(w, { id: 'w2030-01-14', startMs: Z('2030-01-13T16:00:00Z'), endMs: Z('2030-01-20T16:00:00Z') });
  t.equal(periodOf(Z('2030-01-20T15:59:00Z'), 'Asia/Shanghai', 'week').id, 'w2030-01-14', 'Sunday 23:59 is the same week');
  t.equal(periodOf(Z('2030-01-20T16:00:00Z'), 'Asia/Shanghai', 'week').id, 'w2030-01-21', 'Monday 00:00 starts the next');
  t.equal(periodOf(Z('2030-01-01T12:00:00Z'), 'Asia/Shanghai', 'week').id, 'w2029-12-31', 'a week may start in the previous year');
});
