import t from 'tap';
import { decodeCmpp } from '../../src/cmpp/codec.js';
import { deliverBytes, decodeReport, reportBytes, type CmppDeliver } from '../../src/cmpp/deliver.js';
import { msgIdFromDecimal, unpackMsgId } from '../../src/cmpp/msg-id.js';
import { encodeSubmit } from '../../src/cmpp/submit.js';
import { ucs2Encode } from '../../src/text/ucs2.js';
import { startSimulator } from '../../src/sim/index.js';
import { until } from '../helpers/until.js';
import { CmppTestClient, oneIsmg, submitFields } from './fixtures/cmpp-client.js';

const reports = (c: CmppTestClient) =>
  c.received.filter((r) => r.pdu.command === 'deliver' && (r.pdu.body as CmppDeliver).registeredDelivery === 1);

for (const version of ['2.0', '3.0'] as const) {
  t.test(`CMPP ${version}: each SUBMIT gets a fresh Msg_Id and is recorded with its text decoded`, async (t) => {
    const { sim, connected } = await oneIsmg(t, version);
    const c = await connected();
    const zh = await c.submit({ msgFmt: 8, content: ucs2Encode('您的验证码是1234'), destTerminalIds: ['13800138000', '13900139000'] });
    const ascii = await c.submit({ msgFmt: 0, content: Buffer.from('Your code is 1234') });
    const gbk = await c.submit({ msgFmt: 15, content: Buffer.from('c4e3bac3', 'hex') });
    t.same([zh.result, ascii.result, gbk.result], [0, 0, 0]);
    t.equal(new Set([zh.msgId, ascii.msgId, gbk.msgId]).size, 3, 'three different ids');
    const [a, b] = [unpackMsgId(msgIdFromDecimal(zh.msgId)!), unpackMsgId(msgIdFromDecimal(ascii.msgId)!)];
    t.equal(a.ismg, b.ismg, 'one ISMG code');
    t.equal((b.sequence - a.sequence) & 0xffff, 1, 'consecutive sequence numbers');
    const cstMonth = new Date(Date.now() + 8 * 3600_000).getUTCMonth() + 1;
    t.ok(a.month === cstMonth || a.month === (cstMonth % 12) + 1 || a.month === ((cstMonth + 10) % 12) + 1, 'month of China time');
    t.match(sim.submits, [
      { carrier: 'ismg', protocol: 'cmpp', msgId: zh.msgId, to: '13800138000', from: '106571234', text: '您的验证码是1234', dataCoding: 8, esmClass: 0, status: 0, answered: true },
      { msgId: ascii.msgId, text: 'Your code is 1234', dataCoding: 0 },
      { msgId: gbk.msgId, text: '你好', dataCoding: 15 },
    ]);
    t.match(sim.stats().ismg, { submits: 3 });
  });

  t.test(`CMPP ${version}: a status report is delivered for Registered_Delivery 1, naming the submit's Msg_Id`, async (t) => {
    const { sim, connected } = await oneIsmg(t, version, { receiptDelayMs: 10 });
    const c = await connected();
    const resp = await c.submit({ registeredDelivery: 1 });
    const got = await c.waitFor((p) => p.command === 'deliver');
    t.equal(got.raw.length, deliverBytes(version, reportBytes(version)), 'a DELIVER carrying one report of this version');
    const again = decodeCmpp(got.raw, version);
    t.ok(again.ok);
    const d = got.pdu.body as CmppDeliver;
    t.match(d, { registeredDelivery: 1, srcTerminalId: '13800138000', destId: '106571234' });
    const rep = decodeReport(version, d.content);
    t.match(rep, { msgId: resp.msgId, stat: 'DELIVRD', destTerminalId: '13800138000' });
    t.match(rep!.submitTime, /^\d{10}$/);
    t.not(d.msgId.toString('hex'), msgIdFromDecimal(resp.msgId)!.toString('hex'), 'the DELIVER has an id of its own');
    await until('the report counted', () => sim.stats().ismg.receipts === 1);
  });

  t.test(`CMPP ${version}: no report without Registered_Delivery; receiptStat UNDELIV reports UNDELIV`, async (t) => {
    const { sim, connected } = await oneIsmg(t, version, { receiptDelayMs: 1 });
    const c = await connected();
    await c.submit({ registeredDelivery: 0 });
    await t.rejects(c.waitFor((p) => p.command === 'deliver', 300));
    sim.setBehaviours('ismg', { receiptDelayMs: 1, receiptStat: 'UNDELIV' });
    const resp = await c.submit({ registeredDelivery: 1 });
    const d = (await c.waitFor((p) => p.command === 'deliver')).pdu.body as CmppDeliver;
    t.match(decodeReport(version, d.content), { msgId: resp.msgId, stat: 'UNDELIV' });
  });
}

t.test('a 2-part UDH message is recorded part by part with the UDH parsed and stripped', async (t) => {
  const { sim, connected } = await oneIsmg(t, '3.0');
  const c = await connected();
  const udh = (seq: number) => Buffer.from([0x05, 0x00, 0x03, 0x2a, 0x02, seq]);
  await c.submit({ tpUdhi: 1, pkTotal: 2, pkNumber: 1, msgFmt: 8, content: Buffer.concat([udh(1), ucs2Encode('第一部分')]) });
  await c.submit({ tpUdhi: 1, pkTotal: 2, pkNumber: 2, msgFmt: 8, content: Buffer.concat([udh(2), ucs2Encode('第二部分')]) });
  t.match(sim.submits, [
    { text: '第一部分', esmClass: 0x40, udh: { ref: 0x2a, total: 2, seq: 1 } },
    { text: '第二部分', esmClass: 0x40, udh: { ref: 0x2a, total: 2, seq: 2 } },
  ]);
});

t.test('a report answered with a Result other than 0 is sent again, naming the same Msg_Id', async (t) => {
  const { sim, connected } = await oneIsmg(t, '2.0', { receiptDelayMs: 1, receiptRetryMs: 20 });
  const c = await connected();
  let answers = 0;
  c.answerDeliver = () => (answers++ === 0 ? 9 : 0);
  const resp = await c.submit({ registeredDelivery: 1 });
  await until('two reports', () => reports(c).length === 2);
  for (const r of reports(c)) t.equal(decodeReport('2.0', (r.pdu.body as CmppDeliver).content)?.msgId, resp.msgId);
  t.equal(sim.stats().ismg.receipts, 2);
});

t.test('an unanswered report is sent again after receiptAnswerTimeoutMs', async (t) => {
  const { connected } = await oneIsmg(t, '3.0', { receiptDelayMs: 1, receiptRetryMs: 10, receiptAnswerTimeoutMs: 50 });
  const c = await connected();
  let seen = 0;
  c.answerDeliver = () => (seen++ === 0 ? null : 0);
  await c.submit({ registeredDelivery: 1 });
  await until('a resend', () => reports(c).length === 2);
  t.pass('resent');
});

t.test('receiptBeforeResp sends the report before SUBMIT_RESP', async (t) => {
  const { connected } = await oneIsmg(t, '2.0', { receiptBeforeResp: true });
  const c = await connected();
  await c.submit({ registeredDelivery: 1 });
  await until('the report', () => reports(c).length === 1);
  const order = c.received.map((r) => r.pdu.command).filter((x) => x === 'deliver' || x === 'submit_resp');
  t.same(order, ['deliver', 'submit_resp']);
});

for (const [version, reject] of [['2.0', 9], ['3.0', 13]] as const) {
  t.test(`CMPP ${version}: throttlePct answers Result 8, errorPct 14, rejectPct ${reject}, with no Msg_Id`, async (t) => {
    const { sim, connected } = await oneIsmg(t, version, { throttlePct: 100 });
    const c = await connected();
    t.match(await c.submit({ registeredDelivery: 1 }), { result: 8, msgId: '0' });
    sim.setBehaviours('ismg', { errorPct: 100 });
    t.equal((await c.submit()).result, 14);
    sim.setBehaviours('ismg', { rejectPct: 100 });
    t.equal((await c.submit()).result, reject);
    t.match(sim.submits.map((s) => [s.status, s.msgId]), [[8, ''], [14, ''], [reject, '']]);
    await t.rejects(c.waitFor((p) => p.command === 'deliver', 200), 'no report for a refused submit');
  });
}

t.test('throttlePct 30 refuses exactly 3 submits in 10', async (t) => {
  const { connected } = await oneIsmg(t, '3.0', { throttlePct: 30 });
  const c = await connected();
  const results: number[] = [];
  for (let i = 0; i < 10; i++) results.push((await c.submit()).result);
  t.equal(results.filter((r) => r === 8).length, 3);
});

t.test('neverAnswer records the submit and sends no SUBMIT_RESP', async (t) => {
  const { sim, connected } = await oneIsmg(t, '2.0', { neverAnswer: true });
  const c = await connected();
  await t.rejects(c.submit({}, 300));
  t.match(sim.submits, [{ answered: false, msgId: '' }]);
  t.notOk(c.closed);
});

t.test('dropAfter 2 answers the first submit and closes the link on the second', async (t) => {
  const { sim, connected } = await oneIsmg(t, '3.0', { dropAfter: 2 });
  const c = await connected();
  t.equal((await c.submit()).result, 0);
  await t.rejects(c.submit(), /connection closed/);
  t.match(sim.submits.map((s) => s.answered), [true, false]);
  const c2 = await connected();
  t.equal((await c2.submit()).result, 0, 'a new link is served');
});

t.test('slowMs delays SUBMIT_RESP; garbageAfter sends bytes that do not frame', async (t) => {
  const { sim, connected } = await oneIsmg(t, '2.0', { slowMs: 200 });
  const c = await connected();
  const t0 = Date.now();
  await c.submit();
  t.ok(Date.now() - t0 >= 190, 'answered no sooner than slowMs');
  sim.setBehaviours('ismg', { garbageAfter: 2 });
  const c2 = await connected();
  t.equal((await c2.submit()).result, 0);
  c2.send((seq) => encodeSubmit('2.0', seq, submitFields()));
  await until('garbage', () => c2.badFraming || c2.undecodable.length > 0);
  t.pass('garbage arrived');
});

for (const [version, resultHex] of [['2.0', '00'], ['3.0', '00000000']] as const) {
  t.test(`CMPP ${version}: SUBMIT_RESP is laid out as the specification's table, octet for octet`, async (t) => {
    const { connected } = await oneIsmg(t, version);
    const c = await connected();
    const seq = c.send((s) => encodeSubmit(version, s, submitFields()));
    const got = await c.waitFor((p) => p.command === 'submit_resp');
    const { msgId } = got.pdu.body as { msgId: string };
    const want = [(12 + 8 + resultHex.length / 2).toString(16).padStart(8, '0'), '80000004', seq.toString(16).padStart(8, '0'), msgIdFromDecimal(msgId)!.toString('hex'), resultHex];
    t.equal(got.raw.toString('hex'), want.join(''));
  });
}

t.test('Msg_Ids stay unique across two CMPP carriers of one simulator', async (t) => {
  const sim = await startSimulator({
    carriers: [{ name: 'a', port: 0, protocol: 'cmpp' }, { name: 'b', port: 0, protocol: 'cmpp', version: '3.0' }],
  });
  const a = await CmppTestClient.connect(sim.ports.a, '2.0');
  const b = await CmppTestClient.connect(sim.ports.b, '3.0');
  t.teardown(async () => {
    a.close();
    b.close();
    await sim.close();
  });
  await a.login();
  await b.login();
  const ids = [(await a.submit()).msgId, (await b.submit()).msgId, (await a.submit()).msgId];
  t.equal(new Set(ids).size, 3);
});
