import t from 'tap';
import { PendingRequests, type RequestOutcome } from '../../src/sim/pending-requests.js';
import { until } from '../helpers/until.js';

/** A request's reports, in order: exactly one is expected. */
const reports = () => {
  const got: RequestOutcome[] = [];
  return { got, done: (o: RequestOutcome) => void got.push(o) };
};

t.test('sequence numbers count up from 1, one per request', async (t) => {
  const p = new PendingRequests();
  t.same([p.open(60_000, () => undefined), p.open(60_000, () => undefined), p.open(60_000, () => undefined)], [1, 2, 3]);
  p.closeAll();
});

t.test('an answered request reports its status once; a second answer and its timer say nothing more', async (t) => {
  const p = new PendingRequests();
  const a = reports();
  const b = reports();
  const seqA = p.open(20, a.done);
  p.open(20, b.done); // same bound, opened after: its timeout fires after a's would have
  p.settle(seqA, 0);
  p.settle(seqA, 8);
  await until('the unanswered request to time out', () => b.got.length > 0);
  t.same(a.got, [0]);
  t.same(b.got, ['timeout']);
});

t.test('an answer to nothing pending is ignored', async (t) => {
  const p = new PendingRequests();
  const a = reports();
  const seq = p.open(60_000, a.done);
  p.settle(seq + 1, 0);
  t.same(a.got, []);
  p.closeAll();
  t.same(a.got, ['closed']);
});

t.test('closing ends every open request as closed, once, and leaves answered ones alone', async (t) => {
  const p = new PendingRequests();
  const [a, b, c] = [reports(), reports(), reports()];
  p.open(60_000, a.done);
  const seqB = p.open(60_000, b.done);
  p.open(60_000, c.done);
  p.settle(seqB, 0);
  p.closeAll();
  p.closeAll();
  t.same([a.got, b.got, c.got], [['closed'], [0], ['closed']]);
});
