import t from 'tap';
import { InFlightWindow, MAX_SEQUENCE } from '../../src/session/window.js';

const ignore = (): void => undefined;
import { until } from '../helpers/until.js';

t.test('sequence numbers wrap from 0x7FFFFFFF to 1 and skip ones still outstanding', async (t) => {
  const w = new InFlightWindow(1000, () => {});
  (w as any).lastSeq = MAX_SEQUENCE - 1;
  t.equal(w.nextSeq(), MAX_SEQUENCE);
  t.equal(w.nextSeq(), 1, 'never 0, never above 0x7FFFFFFF');
  w.track(2, 4, 0, ignore);
  t.equal(w.nextSeq(), 3, 'seq 2 is still in flight');
  t.equal(w.drain().length, 1);
});

t.test('entries time out oldest first with one timer, and a taken entry never times out', async (t) => {
  const timedOut: number[] = [];
  const w = new InFlightWindow(40, (e) => timedOut.push(e.seq));
  w.track(1, 4, 0, ignore);
  w.track(2, 4, 0, ignore);
  w.track(3, 4, 0, ignore);
  const b = w.take(2)!;
  b.done(b.index, { kind: 'response', status: 0, pdu: {}, latencyMs: 1 });
  await new Promise((r) => setTimeout(r, 80));
  t.same(timedOut, [1, 3]);
  t.equal(w.size, 0);
  t.equal(w.nextDeadlineMs, Infinity, 'timer disarmed when empty');
});

t.test('a sequence number that timed out is known as late once; one never sent is not', async (t) => {
  const timedOut: number[] = [];
  const w = new InFlightWindow(20, (e) => timedOut.push(e.seq));
  const seq = w.nextSeq();
  w.track(seq, 4, 0, ignore);
  await until('the timeout', () => timedOut.length === 1);
  t.equal(w.takeLate(seq + 1), false, 'never sent: unknown');
  t.equal(w.takeLate(seq), true, 'timed out: a late answer');
  t.equal(w.takeLate(seq), false, 'a second answer to it is unknown');
});
