import t from 'tap';
import { RateLimiter } from '../../src/carrier/rate-limiter.js';
import { backoffDelayMs } from '../../src/carrier/backoff.js';

t.test('a full limiter never allows more than the limit inside one window, even in the first second', async (t) => {
  let now = 0;
  const rl = new RateLimiter(5, () => now, 1000);
  t.equal(rl.available(), 5);
  rl.take(5);
  t.equal(rl.available(), 0);
  now = 999;
  t.equal(rl.available(), 0, 'nothing comes back before the window ends');
  t.equal(rl.nextFreeAtMs(), 1000);
  now = 1000;
  t.equal(rl.available(), 5, 'tokens spent at 0 return at 1000');
});

t.test('tokens come back one by one, each a window after it was spent', async (t) => {
  let now = 0;
  const rl = new RateLimiter(3, () => now, 1000);
  rl.take(1);
  now = 400;
  rl.take(2);
  now = 1000;
  t.equal(rl.available(), 1);
  t.equal(rl.nextFreeAtMs(), 1400);
});

t.test('setLimit() keeps recent spends so lowering the limit cannot open a burst', async (t) => {
  const now = 0;
  const rl = new RateLimiter(10, () => now, 1000);
  rl.take(8);
  rl.setLimit(4);
  t.equal(rl.available(), 0);
  rl.setLimit(20);
  t.equal(rl.available(), 16, 'the 4 kept spends still count');
});

t.test('backoff grows from min, stays within [min, max] and spreads with jitter', async (t) => {
  t.equal(backoffDelayMs(0, 100, 5000, () => 0.999), 100);
  t.equal(backoffDelayMs(3, 100, 5000, () => 1), 800);
  t.equal(backoffDelayMs(20, 100, 5000, () => 1), 5000);
  t.equal(backoffDelayMs(20, 100, 5000, () => 0), 100);
  const spread = new Set(Array.from({ length: 20 }, () => backoffDelayMs(5, 100, 5000)));
  t.ok(spread.size > 5, 'jitter spreads reconnects');
});

t.test('the paced limiter spends a second’s budget in ten slices, never more than the limit per window', async (t) => {
  const { PacedLimiter } = await import('../../src/carrier/paced-limiter.js');
  let now = 0;
  const rl = new PacedLimiter(100, () => now, 1000);
  t.equal(rl.available(), 13, 'a tenth of the limit at once, plus a quarter of headroom');
  rl.take(13);
  t.equal(rl.available(), 0);
  t.equal(rl.nextFreeAtMs(), 100, 'the slice comes back after a tenth of the window');
  let sent = 13;
  for (now = 100; now < 1000; now += 100) { const n = rl.available(); rl.take(n); sent += n; }
  t.equal(sent, 100, 'the whole budget within the window, in slices, and no more');
  now = 950;
  t.equal(rl.available(), 0, 'the whole window is spent even though a slice has come back');
  t.equal(rl.nextFreeAtMs(), 1000, 'the next token is the whole window’s');
  rl.setLimit(5);
  now = 2000;
  t.equal(rl.available(), 1, 'a limit under ten still gets one per slice');
});
