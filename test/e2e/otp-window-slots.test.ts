import t from 'tap';
import { FINAL, waitForEvents } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

// One bind, a window of 10 with 2 slots kept for OTP, and an SMSC that answers every submit_sm 1.5 s
// late. Slots are kept only while OTPs come: before the first one a backlog fills the whole window;
// after it the backlog holds 8 slots at most, so the next OTP is written at once instead of waiting
// for an answer to free a slot (the SMSC holds its answers back to prove it).
const SLOW_MS = 1500;
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
  // The window turns over once: the first backlog is answered, and its refills now leave 2 slots.
  await until('the first backlog answered', () => orders().slice(0, 10).every((s) => s.answered), 20_000);
  await until('the window refilled', () => orders().length >= 18, 20_000);
  const unanswered = () => orders().filter((s) => !s.answered).length;
  t.ok(unanswered() <= 8, `the backlog holds ${unanswered()} slots, leaving the 2 kept`);
  // The SMSC now keeps every answer back, so no slot can free up: the second OTP reaches the wire only
  // if a kept slot is there for it (without kept slots the backlog holds all 10 and the OTP waits).
  sim.setBehaviours('cmcc', { slowMs: SLOW_MS, holdAnswers: true });
  await otp('otp-2', '2222');
  await until('the second OTP on the wire while every answer is held', () => sim.submits.some((s) => s.text === 'code 2222'));
  t.ok(unanswered() <= 8, 'the backlog never took a kept slot');
  t.ok(orders().length < n, 'the backlog was still waiting when the OTP went out');
  sim.setBehaviours('cmcc', { slowMs: SLOW_MS });

  const evs = await waitForEvents(redis, (e) => e.filter((x) => FINAL.has(x.state)).length >= n + 2, 30_000);
  t.equal(evs.filter((e) => e.state === 'delivered').length, n + 2, 'the backlog and both OTPs are delivered');
});
