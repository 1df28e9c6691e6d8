import t from 'tap';
import { parseReceipt } from '../../src/smpp/receipt.js';
import { receiptDate } from '../../src/sim/receipts.js';
import { oneCarrier, sleep } from './fixtures/helpers.js';
import { until } from '../helpers/until.js';

const isDlr = (p: any) => p.command === 'deliver_sm';

t.test('receiptBeforeResp sends the receipt ahead of the submit_sm_resp', async (t) => {
  const { bound } = await oneCarrier(t, { receiptBeforeResp: true });
  const c = await bound();
  const resp = await c.submit({ registered_delivery: 1 });
  const dlr = await c.waitFor(isDlr);
  const order = c.received.map((r) => r.pdu.command);
  t.ok(order.indexOf('deliver_sm') < order.indexOf('submit_sm_resp'), order.join(','));
  t.equal(dlr.pdu.receipted_message_id, resp.message_id);
});

t.test('receiptLowercase writes the state in lower case', async (t) => {
  const { bound } = await oneCarrier(t, { receiptLowercase: true, receiptDelayMs: 1 });
  const c = await bound();
  await c.submit({ registered_delivery: 1 });
  const dlr = await c.waitFor(isDlr);
  t.match(dlr.raw.toString('latin1'), /stat:delivrd /);
  t.equal(parseReceipt(dlr.raw)?.stat, 'DELIVRD');
});

t.test('receiptNoTlv sends the text alone', async (t) => {
  const { bound } = await oneCarrier(t, { receiptNoTlv: true, receiptDelayMs: 1 });
  const c = await bound();
  const resp = await c.submit({ registered_delivery: 1 });
  const dlr = await c.waitFor(isDlr);
  t.equal(dlr.pdu.receipted_message_id, undefined);
  t.equal(dlr.pdu.message_state, undefined);
  t.match(parseReceipt(dlr.raw), { messageId: resp.message_id, stat: 'DELIVRD', source: 'text' });
});

t.test('receiptGarbage with receiptNoTlv yields a receipt nobody can parse', async (t) => {
  const { bound } = await oneCarrier(t, { receiptGarbage: true, receiptNoTlv: true, receiptDelayMs: 1 });
  const c = await bound();
  await c.submit({ registered_delivery: 1 });
  const dlr = await c.waitFor(isDlr);
  t.equal(dlr.pdu.esm_class, 0x04);
  t.equal(parseReceipt(dlr.raw), null);
});

t.test('receiptStat mixed reports every 10th receipt UNDELIV with err:001', async (t) => {
  const { bound } = await oneCarrier(t, { receiptStat: 'mixed', receipt: 'always', receiptDelayMs: 1 });
  const c = await bound();
  for (let i = 0; i < 10; i++) await c.submit();
  const stats: string[] = [];
  for (let i = 0; i < 10; i++) stats.push(parseReceipt((await c.waitFor(isDlr)).raw)?.stat ?? 'none');
  t.equal(stats.filter((s) => s === 'UNDELIV').length, 1);
  t.equal(stats.filter((s) => s === 'DELIVRD').length, 9);
  const undeliv = c.received.find((r) => r.pdu.message_state === 5);
  t.match(undeliv?.raw.toString('latin1'), /dlvrd:000 .* stat:UNDELIV err:001/);
});

t.test('a receipt answered with an error status is resent, at most 3 more times', async (t) => {
  const { sim, bound } = await oneCarrier(t, { receiptDelayMs: 1, receiptRetryMs: 20 });
  const c = await bound();
  c.answerDeliver = () => 0x08;
  const resp = await c.submit({ registered_delivery: 1 });
  for (let i = 0; i < 4; i++) t.equal((await c.waitFor(isDlr, 5000)).pdu.receipted_message_id, resp.message_id);
  await t.rejects(c.waitFor(isDlr, 150), 'no fifth attempt');
  t.equal(sim.stats().sim.receipts, 4);
});

t.test('an unanswered receipt is resent after the answer timeout', async (t) => {
  const { bound } = await oneCarrier(t, { receiptDelayMs: 1, receiptAnswerTimeoutMs: 50, receiptRetryMs: 10 });
  const c = await bound();
  let calls = 0;
  c.answerDeliver = () => (++calls === 1 ? null : 0);
  const resp = await c.submit({ registered_delivery: 1 });
  await c.waitFor(isDlr, 5000);
  const again = await c.waitFor(isDlr, 5000);
  t.equal(again.pdu.receipted_message_id, resp.message_id);
  t.equal(calls, 2);
});

t.test('receipts go to the receiver of a transmitter+receiver pair, waiting for it to bind', async (t) => {
  const { bound } = await oneCarrier(t, { receiptDelayMs: 1 });
  const tx = await bound('transmitter');
  const resp = await tx.submit({ registered_delivery: 1 });
  await sleep(30);
  const rx = await bound('receiver');
  const dlr = await rx.waitFor(isDlr, 5000);
  t.equal(dlr.pdu.receipted_message_id, resp.message_id);
  t.notOk(tx.received.some((r) => isDlr(r.pdu)), 'nothing on the transmitter');
});

t.test('receipts alternate between bound receivers', async (t) => {
  const { bound } = await oneCarrier(t, { receiptDelayMs: 1 });
  const a = await bound();
  const b = await bound();
  await a.submit({ registered_delivery: 1 });
  await a.submit({ registered_delivery: 1 });
  const count = (c: typeof a) => c.received.filter((r) => isDlr(r.pdu)).length;
  for (let i = 0; i < 50 && count(a) + count(b) < 2; i++) await sleep(10);
  t.same([count(a), count(b)], [1, 1]);
});

t.test('receipt dates are YYMMDDhhmm in UTC', async (t) => {
  t.equal(receiptDate(Date.UTC(2026, 10, 23, 7, 5)), '2611230705');
});

t.test('a receipt still refused after its resends is sent again on the next bind', async (t) => {
  const { bound } = await oneCarrier(t, { receiptDelayMs: 1, receiptRetryMs: 10 });
  const c = await bound();
  c.answerDeliver = () => 0x08; // ESME_RSYSERR, as a daemon whose Redis is down answers
  const resp = await c.submit({ registered_delivery: 1 });
  await until('the first try and three resends', () => c.received.filter((r) => isDlr(r.pdu)).length >= 4);
  c.close();
  const next = await bound();
  const again = await next.waitFor(isDlr, 10_000);
  t.equal(again.pdu.receipted_message_id, resp.message_id, 'the same receipt, on the new bind');
});

t.test('a receipt whose connection closed before its answer is sent again on the next bind', async (t) => {
  const { bound } = await oneCarrier(t, { receiptDelayMs: 1, receiptRetryMs: 10 });
  const c = await bound();
  c.answerDeliver = () => null; // never answered
  const resp = await c.submit({ registered_delivery: 1 });
  await c.waitFor(isDlr);
  c.close();
  const next = await bound();
  const again = await next.waitFor(isDlr, 10_000);
  t.equal(again.pdu.receipted_message_id, resp.message_id, 'the same receipt, on the new bind');
});
