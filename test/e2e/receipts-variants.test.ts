/**
 * Receipts through the real daemon and the simulator's receipt variants: hex ids, decimal-of-hex ids,
 * receipts before the response, one receipt per part, text-only receipts, lower-case stat, garbage,
 * UNDELIV, and unmatched receipts ending in the orphans stream.
 */
import t from 'tap';
import { FINAL, waitForEvents, type Ev } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

const { sim, redis, daemon } = await startStack(t, {
  // cmcc writes hex ids on both sides; cucc answers in hex and names the same number in decimal in its
  // receipts; ctcc repeats its decimal ids and gets the other variants one at a time.
  carriers: [
    { name: 'cmcc', behaviours: { hexIds: true, receiptDelayMs: 20 } },
    // 200 ms: after the response is settled, so receipt.lua (not settle.lua) ends these jobs and reports their latency.
    { name: 'cucc', behaviours: { hexIds: true, receiptIdFormat: 'decimal-of-hex', receiptDelayMs: 200 } },
    { name: 'ctcc', behaviours: { receiptDelayMs: 20 } },
  ],
  extra: { queue: { leaseMs: 3000, earlyReceiptMs: 1000 } },
  perCarrier: { cmcc: { idFormat: 'hex' }, cucc: { idFormat: 'decimal' } },
});

const TO = { cmcc: '1380013', cucc: '1300013', ctcc: '1330013' } as const;
let n = 0;
/** Pushes `count` jobs to one carrier and returns their ids. */
async function push(carrier: keyof typeof TO, count: number, text = (i: number) => `${carrier} receipt test ${n}-${i}`): Promise<string[]> {
  const ids: string[] = [];
  const p = redis.pipeline();
  for (let i = 0; i < count; i++) {
    const id = `${carrier}-${++n}`;
    ids.push(id);
    p.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id, to: `${TO[carrier]}${String(n).padStart(4, '0')}`, text: text(i) }));
  }
  await p.exec();
  return ids;
}
const finals = (evs: Ev[], ids: string[]) => evs.filter((e) => ids.includes(e.id) && FINAL.has(e.state));
const allFinal = (ids: string[]) => (evs: Ev[]) => finals(evs, ids).length >= ids.length;

async function metricsText(): Promise<string> {
  const port = Number(/"metricsPort":(\d+)/.exec(daemon.output())?.[1]);
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}
const metric = (body: string, re: RegExp) => Number(re.exec(body)?.[1] ?? NaN);

t.test('hex ids (idFormat hex) are matched whatever their case', async (t) => {
  const ids = await push('cmcc', 10);
  const evs = await waitForEvents(redis, allFinal(ids));
  t.ok(finals(evs, ids).every((e) => e.state === 'delivered'), 'every job delivered');
  const sub = sim.submits.find((s) => s.text.startsWith('cmcc receipt test'))!;
  t.match(sub.msgId, /^[0-9A-F]+$/, 'the SMSC answered upper-case hex');
});

t.test('receipts naming a hex id in decimal (idFormat decimal) are matched', async (t) => {
  const ids = await push('cucc', 10);
  const evs = await waitForEvents(redis, allFinal(ids));
  t.equal(finals(evs, ids).filter((e) => e.state === 'delivered').length, 10);
});

t.test('a receipt that comes well before its submit_sm_resp is held and applied', async (t) => {
  // The response 200 ms after the receipt: a receipt right before its response (same read) waits for that
  // settle instead and is never held; this one has no settle to wait for.
  sim.setBehaviours('ctcc', { receiptBeforeResp: true, slowMs: 200 });
  const ids = await push('ctcc', 10);
  const evs = await waitForEvents(redis, allFinal(ids));
  t.equal(finals(evs, ids).filter((e) => e.state === 'delivered').length, 10);
  t.ok(metric(await metricsText(), /smppd_receipts_held_total\{carrier="ctcc"\} (\d+)/) >= 1, 'held receipts are counted');
});

t.test('a receipt right behind its submit_sm_resp waits for that settle and is never held', async (t) => {
  const held = async (): Promise<number> => metric(await metricsText(), /smppd_receipts_held_total\{carrier="ctcc"\} (\d+)/);
  const before = await held();
  sim.setBehaviours('ctcc', { receiptDelayMs: 0 });
  const ids = await push('ctcc', 20);
  const evs = await waitForEvents(redis, allFinal(ids));
  t.equal(finals(evs, ids).filter((e) => e.state === 'delivered').length, 20);
  t.equal(await held(), before, 'no receipt took the early path');
});

t.test('a long text gets one receipt per part and is delivered with every part state listed', async (t) => {
  sim.setBehaviours('ctcc', { receiptDelayMs: 20 });
  const ids = await push('ctcc', 3, (i) => `long ${i} `.padEnd(400, 'x'));
  const evs = await waitForEvents(redis, allFinal(ids));
  for (const e of finals(evs, ids)) {
    t.match(e, { state: 'delivered', parts: 3, partStates: ['DELIVRD', 'DELIVRD', 'DELIVRD'] });
    t.equal(e.msgIds.length, 3);
  }
});

t.test('text-only receipts with a lower-case stat are read', async (t) => {
  sim.setBehaviours('ctcc', { receiptDelayMs: 20, receiptNoTlv: true, receiptLowercase: true });
  const ids = await push('ctcc', 10);
  const evs = await waitForEvents(redis, allFinal(ids));
  t.equal(finals(evs, ids).filter((e) => e.state === 'delivered').length, 10);
});

t.test('UNDELIV receipts end their jobs undeliverable with the carrier error', async (t) => {
  sim.setBehaviours('ctcc', { receiptDelayMs: 20, receiptStat: 'mixed' });
  const ids = await push('ctcc', 20);
  const evs = await waitForEvents(redis, allFinal(ids));
  const undeliv = finals(evs, ids).filter((e) => e.state === 'undeliverable');
  t.equal(undeliv.length, 2, 'every 10th receipt is UNDELIV');
  t.match(undeliv[0], { code: 'UNDELIVERABLE', partStates: ['UNDELIV'], receiptError: '001' });
  t.equal(finals(evs, ids).length, 20, 'one final event per job');
});

t.test('garbage receipts crash nothing, are counted and kept; the next job still goes through', async (t) => {
  sim.setBehaviours('ctcc', { receiptDelayMs: 20, receiptGarbage: true, receiptNoTlv: true });
  const garbled = await push('ctcc', 3);
  await until('three orphans', async () => (await redis.xlen('smppd:orphans')) >= 3, 20_000);
  const orphans = (await redis.xrange('smppd:orphans', '-', '+')).map(([, f]) => JSON.parse(f[1]!));
  t.equal(orphans.filter((o) => o.reason === 'unreadable').length, 3, 'each unreadable receipt is in the orphans stream');
  t.equal(metric(await metricsText(), /smppd_receipt_orphans_total\{carrier="ctcc",reason="unreadable"\} (\d+)/), 3);
  sim.setBehaviours('ctcc', { receiptDelayMs: 20 });
  const ids = await push('ctcc', 1);
  await waitForEvents(redis, allFinal(ids));
  const evs = await waitForEvents(redis, () => true);
  t.same(finals(evs, garbled), [], 'the garbled ones wait for a receipt, they are not guessed');
});

t.test('receipts that match nothing become orphans after earlyReceiptMs, counted, never dropped', async (t) => {
  sim.setBehaviours('cmcc', { hexIds: true, receiptIdFormat: 'decimal-of-hex', receiptDelayMs: 20 }); // not what cmcc's idFormat says
  const before = await redis.xlen('smppd:orphans');
  await push('cmcc', 2);
  await until('two more orphans', async () => (await redis.xlen('smppd:orphans')) >= before + 2, 20_000);
  const orphans = (await redis.xrange('smppd:orphans', '-', '+')).map(([, f]) => JSON.parse(f[1]!)).filter((o) => o.reason === 'unmatched');
  t.equal(orphans.length, 2);
  t.match(orphans[0], { carrier: 'cmcc', stat: 'DELIVRD', messageId: /^[0-9a-f]+$/ });
  t.equal(await redis.hlen('smppd:{cmcc}:early'), 0, 'the early hash is emptied');
  const body = await metricsText();
  t.equal(metric(body, /smppd_receipt_orphans_total\{carrier="cmcc",reason="unmatched"\} (\d+)/), 2);
  t.ok(metric(body, /smppd_receipt_latency_seconds_count\{carrier="cucc"\} (\d+)/) >= 10, 'submit-to-final latency is observed');
});

t.test('a long MO arrives on the mo stream once, joined from its UDH parts', async (t) => {
  const text = '请帮我查询一下我的账户余额和最近三个月的账单明细，另外我想把套餐改成每月一百元的那一档，谢谢！'.repeat(2);
  await sim.sendMo('ctcc', { from: '13312345678', to: '10690', text });
  let mos: Record<string, unknown>[] = [];
  await until('an MO', async () => {
    mos = (await redis.xrange('smppd:mo', '-', '+')).map(([, f]) => JSON.parse(f[1]!));
    return mos.length > 0;
  }, 20_000);
  t.equal(mos.length, 1, 'one MO, not one per part');
  t.match(mos[0], { from: '+8613312345678', to: '10690', text, carrier: 'ctcc', optedOut: false });
});
