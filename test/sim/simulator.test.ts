import t from 'tap';
import { DEFAULT_SIM_CARRIERS, startSimulator } from '../../src/sim/index.js';
import { parseReceipt } from '../../src/smpp/receipt.js';
import { TestClient } from './fixtures/client.js';
import { until } from '../helpers/until.js';
import { oneCarrier } from './fixtures/helpers.js';

t.test('a bound transceiver gets a message id and then a receipt naming the same id', async (t) => {
  const { sim, bound } = await oneCarrier(t, { receiptDelayMs: 10 });
  const c = await bound();
  const resp = await c.submit({ registered_delivery: 1, short_message: Buffer.from('Your code is 1234') });
  t.equal(resp.command_status, 0);
  t.match(resp.message_id, /^\d{10}$/, 'a 10-digit decimal id');
  const dlr = await c.waitFor((p) => p.command === 'deliver_sm');
  t.equal(dlr.pdu.esm_class, 0x04);
  t.equal(dlr.pdu.receipted_message_id, resp.message_id);
  t.equal(dlr.pdu.message_state, 2);
  const text = dlr.raw.toString('latin1');
  t.match(text, new RegExp(`id:${resp.message_id} sub:001 dlvrd:001 submit date:\\d{10} done date:\\d{10} stat:DELIVRD err:000 text:Your code is 1234`));
  const r = parseReceipt(dlr.raw);
  t.equal(r?.messageId, resp.message_id);
  t.equal(sim.submits.length, 1);
  t.match(sim.submits[0], { carrier: 'sim', msgId: resp.message_id, to: '8613800138000', from: '10086', text: 'Your code is 1234', answered: true, status: 0 });
  t.match(sim.stats().sim, { binds: 1, submits: 1, receipts: 1, connections: 1 });
});

t.test('no receipt is sent when registered_delivery does not ask for one', async (t) => {
  const { bound } = await oneCarrier(t, { receiptDelayMs: 1 });
  const c = await bound();
  await c.submit({ registered_delivery: 0 });
  await t.rejects(c.waitFor((p) => p.command === 'deliver_sm', 150));
});

t.test('message ids are unique across carriers', async (t) => {
  const sim = await startSimulator({ carriers: [{ name: 'a', port: 0 }, { name: 'b', port: 0 }] });
  const a = await TestClient.bound(sim.ports.a);
  const b = await TestClient.bound(sim.ports.b);
  t.teardown(async () => {
    a.close();
    b.close();
    await sim.close();
  });
  const ids = [(await a.submit()).message_id, (await b.submit()).message_id, (await a.submit()).message_id];
  t.equal(new Set(ids).size, 3);
  t.not(sim.ports.a, sim.ports.b);
});

t.test('a bind with the wrong password is refused with ESME_RINVPASWD', async (t) => {
  const { sim, connect } = await oneCarrier(t, {}, { systemId: 'test', password: 'secret' });
  const c = await connect();
  const bad = await c.request('bind_transceiver', { system_id: 'test', password: 'wrong', interface_version: 0x34 });
  t.equal(bad.command_status, 0x0e);
  const good = await c.request('bind_transceiver', { system_id: 'test', password: 'secret', interface_version: 0x34 });
  t.equal(good.command_status, 0);
  t.match(sim.stats().sim, { binds: 1, bindsRefused: 1 });
});

t.test('enquire_link is answered and unbind closes the connection', async (t) => {
  const { bound } = await oneCarrier(t);
  const c = await bound();
  t.equal((await c.request('enquire_link')).command, 'enquire_link_resp');
  t.equal((await c.request('unbind')).command, 'unbind_resp');
  await c.waitClosed();
  t.ok(c.closed);
});

t.test('a submit_sm before bind is answered with ESME_RINVBNDSTS', async (t) => {
  const { connect } = await oneCarrier(t);
  const c = await connect();
  t.equal((await c.submit()).command_status, 0x04);
});

t.test('close is idempotent and releases the ports', async (t) => {
  const sim = await startSimulator({ carriers: [{ name: 'x', port: 0 }] });
  const c = await TestClient.bound(sim.ports.x);
  const first = sim.close();
  t.equal(sim.close(), first, 'the same promise');
  await first;
  await c.waitClosed();
  await t.rejects(TestClient.connect(sim.ports.x));
});

t.test('the default carriers are cmcc, cucc and ctcc on 2775-2777', async (t) => {
  t.same(DEFAULT_SIM_CARRIERS.map((c) => [c.name, c.port]), [['cmcc', 2775], ['cucc', 2776], ['ctcc', 2777]]);
});

t.test('keepSubmits bounds the submits list, dropping the oldest', async (t) => {
  const sim = await startSimulator({ carriers: [{ name: 'k', port: 0 }], keepSubmits: 2 });
  const c = await TestClient.bound(sim.ports.k);
  t.teardown(async () => {
    c.close();
    await sim.close();
  });
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await c.submit()).message_id);
  t.ok(sim.submits.length <= 4, `kept ${sim.submits.length}`);
  t.equal(sim.submits[sim.submits.length - 1].msgId, ids[4], 'the newest is kept');
  t.equal(sim.stats().k.submits, 5, 'the counter still counts all');
});

t.test('disconnect drops every connection of a carrier and keeps listening', async (t) => {
  const { sim, bound } = await oneCarrier(t);
  const a = await bound();
  const b = await bound();
  t.equal(sim.disconnect('sim'), 2, 'both connections dropped');
  await until('both clients see the close', () => a.closed && b.closed);
  const again = await bound();
  t.equal((await again.submit()).command_status, 0, 'a new bind is served');
});
