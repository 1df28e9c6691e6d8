import t from 'tap';
import { within } from '../../bench/lib/proc.js';

const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

t.test('within gives the promise’s value and leaves no timer behind', async (t) => {
  const before = timers();
  t.equal(await within(Promise.resolve(7), 60_000, 'too slow'), 7);
  t.equal(timers(), before, 'the 60 s timer is cleared, so it cannot hold the process open');
});

t.test('within rejects with its message when the promise is late', async (t) => {
  const never = new Promise<number>(() => {});
  await t.rejects(within(never, 20, 'bench: the sink never saw every submit_sm'), { message: 'bench: the sink never saw every submit_sm' });
});

t.test('within passes a rejection through and clears its timer', async (t) => {
  const before = timers();
  await t.rejects(within(Promise.reject(new Error('sink died')), 60_000, 'too slow'), { message: 'sink died' });
  t.equal(timers(), before);
});
