import t from 'tap';
import { FINAL, waitForEvents } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

// One bind, a window of 10 with 2 slots kept for OTP, and an SMSC that answers every submit_sm 600 ms
// late. Slots are kept only while OTPs come: before the first one a backlog fills the whole window;
// after it the backlog holds 8 slots at most, so the next OTP is written at once instead of waiting
// for an answer to free a slot.
const SLOW_MS = 600;
const { sim, redis } = await startStack(t, {
  carriers: ['cmcc'],
  behaviours: { cmcc: { slowMs: SLOW_MS } },
  carrier: { windowSize: 10, otpWindowSlots: 2, binds: 1, tps: 1000 },
});

const orders = () => sim.submits.filter((s) => s.text.startsWith('order '));
const otp = (id: string, code: string) => redis.xadd('smppd:jobs:priority', '*', 'job', JSON.stringify({ id, to: '13800138000', text: `code ${code}`, class: 'otp' }));

t.test('with no OTP lately a backlog has the whole window; once OTPs come, the next takes a kept slot at once', async (t) => {
  const n = 60;
  const p = redis.pipeline();
  for (let i = 0; i < n; i++) p.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: `tx-${i}`, to: '13800138000', text: `order ${i} shipped`, class: 'transactional' }));
  await p.exec();
  await until('the backlog to fill the window', () => orders().length >= 10);
  t.equal(orders().length, 10, 'no OTP yet: every slot is the backlog\'s');

  await otp('otp-1', '1111');
  await until('the first OTP on the wire', () => sim.submits.some((s) => s.text === 'code 1111'));
  await new Promise((r) => setTimeout(r, SLOW_MS + 300)); // the window turns over once: the backlog now leaves 2 slots

  // The backlog's answers come in bursts (its window was written at once), and so do the refills.
  const before = orders().length;
  await until('the next refill of the window', () => orders().length > before);
  await new Promise((r) => setTimeout(r, 100));
  t.equal(orders().length - before, 8, 'a refill takes 8 slots, leaving the 2 kept');
  const pushedAt = Date.now(); // just after a refill: without kept slots the OTP would wait a whole answer
  await otp('otp-2', '2222');
  await until('the second OTP on the wire', () => sim.submits.some((s) => s.text === 'code 2222'));
  const second = sim.submits.find((s) => s.text === 'code 2222')!;
  t.ok(second.at - pushedAt < SLOW_MS / 2, `on the wire ${second.at - pushedAt} ms after its XADD, before the backlog's next answer`);

  const evs = await waitForEvents(redis, (e) => e.filter((x) => FINAL.has(x.state)).length >= n + 2, 30_000);
  t.equal(evs.filter((e) => e.state === 'delivered').length, n + 2, 'the backlog and both OTPs are delivered');
});
