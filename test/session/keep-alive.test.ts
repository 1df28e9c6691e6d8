import t from 'tap';
import { KeepAlive } from '../../src/session/keep-alive.js';
import { until } from '../helpers/until.js';

t.test('the keep-alive is asked for after idleMs without traffic, and again after each idle period', async (t) => {
  let sent = 0;
  const k = new KeepAlive(20, () => (sent++, true));
  t.teardown(() => k.stop());
  k.heard();
  k.start();
  await until('two keep-alives', () => sent >= 2);
  t.ok(sent >= 2);
});

t.test('once send reports the session no longer sends one, the clock stops', async (t) => {
  let asked = 0;
  const k = new KeepAlive(10, () => (asked++, false));
  k.start();
  await until('the first ask', () => asked === 1);
  // A second clock with the same period asks twice while the stopped one would have asked again.
  let other = 0;
  const o = new KeepAlive(10, () => (other++, true));
  o.start();
  await until('the other clock asks twice', () => other >= 2);
  o.stop();
  t.equal(asked, 1);
});

t.test('inbound traffic postpones the keep-alive: it comes a whole idle period after the last byte heard', async (t) => {
  const idleMs = 2000;
  let sentAtMs = 0;
  const k = new KeepAlive(idleMs, () => ((sentAtMs = performance.now()), true));
  t.teardown(() => k.stop());
  k.heard();
  k.start();
  await new Promise((r) => setTimeout(r, 200));
  t.equal(sentAtMs, 0, 'nothing sent within the first idle period');
  const lastHeardMs = performance.now();
  k.heard();
  await until('the keep-alive', () => sentAtMs > 0);
  // Timers may fire a fraction of a millisecond early against performance.now().
  t.ok(sentAtMs - lastHeardMs >= idleMs - 2, `sent ${Math.round(sentAtMs - lastHeardMs)} ms after the last byte`);
});
