import t from 'tap';
import { until } from '../helpers/until.js';
import { oneCarrier } from './fixtures/helpers.js';

t.test('throttlePct 30 answers exactly 3 in 10 submits with ESME_RTHROTTLED', async (t) => {
  const { sim, bound } = await oneCarrier(t, { throttlePct: 30 });
  const c = await bound();
  const statuses: number[] = [];
  for (let i = 0; i < 10; i++) statuses.push((await c.submit()).command_status);
  t.equal(statuses.filter((s) => s === 0x58).length, 3);
  t.equal(statuses.filter((s) => s === 0).length, 7);
  t.equal(sim.submits.filter((s) => s.status === 0x58 && s.msgId === '').length, 3, 'throttled submits get no id');
});

t.test('queue-full, error and reject shares answer 0x14, 0x08 and 0x0B', async (t) => {
  const { bound, sim } = await oneCarrier(t, { queueFullPct: 100 });
  const c = await bound();
  t.equal((await c.submit()).command_status, 0x14);
  sim.setBehaviours('sim', { errorPct: 100 });
  t.equal((await c.submit()).command_status, 0x08);
  sim.setBehaviours('sim', { rejectPct: 100 });
  t.equal((await c.submit()).command_status, 0x0b);
  sim.setBehaviours('sim', {});
  t.equal((await c.submit()).command_status, 0);
});

t.test('refuseBinds 2 refuses the first two bind attempts with ESME_RBINDFAIL', async (t) => {
  const { sim, connect } = await oneCarrier(t, { refuseBinds: 2 });
  const c = await connect();
  const bind = () => c.request('bind_transceiver', { system_id: 'test', password: 'pw', interface_version: 0x34 });
  t.equal((await bind()).command_status, 0x0d);
  t.equal((await bind()).command_status, 0x0d);
  t.equal((await bind()).command_status, 0);
  t.match(sim.stats().sim, { binds: 1, bindsRefused: 2 });
});

t.test('dropAfter 3 closes the connection on the third submit without answering it', async (t) => {
  const { sim, bound } = await oneCarrier(t, { dropAfter: 3 });
  const c = await bound();
  t.equal((await c.submit()).command_status, 0);
  t.equal((await c.submit()).command_status, 0);
  await t.rejects(c.submit({}, 500), /connection closed/);
  t.ok(c.closed);
  t.same(sim.submits.map((s) => s.answered), [true, true, false]);
  const again = await bound();
  t.equal((await again.submit()).command_status, 0, 'a new connection starts counting again');
  t.equal(sim.stats().sim.connections, 2);
});

t.test('neverAnswer records the submit and never answers it', async (t) => {
  const { sim, bound } = await oneCarrier(t, { neverAnswer: true });
  const c = await bound();
  await t.rejects(c.submit({}, 150), /no matching PDU/);
  t.equal(sim.submits.length, 1);
  t.equal(sim.submits[0].answered, false);
});

t.test('garbageAfter 2 writes 64 bytes instead of the second response, once per connection', async (t) => {
  const { bound } = await oneCarrier(t, { garbageAfter: 2 });
  const c = await bound();
  t.equal((await c.submit()).command_status, 0);
  const before = c.bytesIn;
  await t.rejects(c.submit({}, 150));
  t.ok(c.bytesIn - before >= 64, `got ${c.bytesIn - before} bytes`);
  const other = await bound();
  t.equal((await other.submit()).command_status, 0);
});

t.test('slowMs delays every response by at least that long', async (t) => {
  const { bound } = await oneCarrier(t, { slowMs: 80 });
  const c = await bound();
  const start = Date.now();
  t.equal((await c.submit()).command_status, 0);
  t.ok(Date.now() - start >= 75, `took ${Date.now() - start} ms`);
});

t.test('holdAnswers keeps answers back until the behaviours are set without it, then writes them in order', async (t) => {
  const { sim, bound } = await oneCarrier(t, { holdAnswers: true });
  const c = await bound();
  const first = c.submit({}, 10_000);
  const second = c.submit({}, 10_000);
  await until('both submits at the SMSC', () => sim.submits.length === 2);
  t.same(sim.submits.map((s) => s.answered), [false, false], 'nothing answered while held');
  sim.setBehaviours('sim', {});
  const answers = await Promise.all([first, second]);
  t.same(answers.map((a) => a.command_status), [0, 0]);
  t.same(sim.submits.map((s) => s.answered), [true, true]);
});

t.test('hexIds answer with upper-case hex ids', async (t) => {
  const { bound } = await oneCarrier(t, { hexIds: true, receiptDelayMs: 1 });
  const c = await bound();
  const resp = await c.submit({ registered_delivery: 1 });
  t.match(resp.message_id, /^[0-9A-F]{8,9}$/);
  const dlr = await c.waitFor((p) => p.command === 'deliver_sm');
  t.equal(dlr.pdu.receipted_message_id, resp.message_id, 'the receipt uses the same hex id');
});

t.test('decimal-of-hex receipts name the hex id in decimal', async (t) => {
  const { bound } = await oneCarrier(t, { hexIds: true, receiptIdFormat: 'decimal-of-hex', receiptDelayMs: 1 });
  const c = await bound();
  const resp = await c.submit({ registered_delivery: 1 });
  const dlr = await c.waitFor((p) => p.command === 'deliver_sm');
  t.equal(dlr.pdu.receipted_message_id, String(parseInt(resp.message_id, 16)));
});

t.test('submitted text is decoded by data_coding with the UDH stripped', async (t) => {
  const { sim, bound } = await oneCarrier(t);
  const c = await bound();
  // GSM with extension characters: "{€}" = 1B 28 1B 65 1B 29
  await c.submit({ data_coding: 0, short_message: Buffer.from([0x41, 0x1b, 0x28, 0x1b, 0x65, 0x1b, 0x29]) });
  await c.submit({ data_coding: 8, esm_class: 0x40, short_message: Buffer.from('050003070201004f0060', 'hex') });
  await c.submit({ data_coding: 3, short_message: Buffer.from('café', 'latin1') });
  await c.submit({ data_coding: 0, short_message: Buffer.alloc(0), message_payload: Buffer.from('payload') });
  await c.submit({ data_coding: 0, short_message: Buffer.from('part'), sar_msg_ref_num: 300, sar_total_segments: 2, sar_segment_seqnum: 2 });
  t.same(sim.submits.map((s) => s.text), ['A{€}', 'O`', 'café', 'payload', 'part']);
  t.same(sim.submits[1].udh, { ref: 7, total: 2, seq: 1 });
  t.same(sim.submits[4].udh, { ref: 300, total: 2, seq: 2 });
});

t.test('nackZero answers a submit with generic_nack, command_status 0', async (t) => {
  const { bound } = await oneCarrier(t, { nackZero: true });
  const r = await (await bound()).submit();
  t.equal(r.command, 'generic_nack');
  t.equal(r.command_status, 0);
});

t.test('respNoId answers submit_sm_resp, status 0, with the header alone (no message_id)', async (t) => {
  const { bound } = await oneCarrier(t, { respNoId: true });
  const c = await bound();
  const before = c.bytesIn;
  const r = await c.submit();
  t.equal(r.command, 'submit_sm_resp');
  t.equal(r.command_status, 0);
  t.equal(c.bytesIn - before, 16, 'sixteen bytes: no body');
});

t.test("respWrongCommand answers enquire_link_resp under the submit's sequence number", async (t) => {
  const { bound } = await oneCarrier(t, { respWrongCommand: true });
  t.equal((await (await bound()).submit()).command, 'enquire_link_resp');
});

t.test('trickleMs sends a submit_sm_resp header, then a byte at a time, never the whole frame', async (t) => {
  const { bound } = await oneCarrier(t, { trickleMs: 20 });
  const c = await bound();
  const before = c.bytesIn;
  await t.rejects(c.submit({}, 300), /no matching PDU/);
  const got = c.bytesIn - before;
  t.ok(got > 17, `header and some bytes after it (${got})`);
  t.ok(got < 16 + 64, 'not the whole frame');
});
