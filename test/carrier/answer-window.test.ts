import t from 'tap';
import { AnswerWindow } from '../../src/carrier/answer-window.js';

t.test('the window counts the answers of its last windowMs by class, and forgets older ones', async (t) => {
  const w = new AnswerWindow(1000);
  w.add(0, 'ok');
  w.add(50, 'permanent');
  w.add(120, 'throttled');
  w.add(950, 'permanent');
  t.same(w.counts(990), { total: 4, permanent: 2, throttled: 1 });
  t.same(w.counts(1099), { total: 2, permanent: 1, throttled: 1 }, 'the first tenth (0-99 ms) has left');
  t.same(w.counts(2000), { total: 0, permanent: 0, throttled: 0 }, 'a whole window later nothing is left');
  w.add(2001, 'ok');
  w.reset();
  t.same(w.counts(2002), { total: 0, permanent: 0, throttled: 0 }, 'reset forgets everything');
});

t.test('a bucket reused a window later starts from zero', async (t) => {
  const w = new AnswerWindow(1000);
  w.add(10, 'permanent');
  w.add(1010, 'ok'); // the same bucket slot, one window on
  t.same(w.counts(1020), { total: 1, permanent: 0, throttled: 0 });
});
