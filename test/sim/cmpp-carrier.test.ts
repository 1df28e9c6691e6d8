import t from 'tap';
import { ismgAuthenticates } from '../../src/cmpp/auth.js';
import { decodeCmpp, encodeEmpty } from '../../src/cmpp/codec.js';
import type { CmppDeliver } from '../../src/cmpp/deliver.js';
import { encodeSubmit } from '../../src/cmpp/submit.js';
import { splitUdh } from '../../src/text/udh.js';
import { ucs2Decode } from '../../src/text/ucs2.js';
import { type CmppTestClient, oneIsmg, SECRET, SP_ID, submitFields } from './fixtures/cmpp-client.js';

for (const [version, statusBytes, octet] of [['2.0', 1, 0x20], ['3.0', 4, 0x30]] as const) {
  t.test(`a CMPP ${version} CONNECT with the right secret is accepted and the ISMG's authenticator verifies`, async (t) => {
    const { sim, connect } = await oneIsmg(t, version);
    const c = await connect();
    const { resp, authSource } = await c.login();
    t.equal(resp.status, 0);
    t.equal(resp.statusBytes, statusBytes, 'Status as wide as the version lays it out');
    t.equal(resp.version, octet, "the channel's version echoed");
    t.ok(ismgAuthenticates(resp.authenticatorIsmg, 0, statusBytes, authSource, SECRET), 'AuthenticatorISMG = MD5(Status + AuthenticatorSource + secret)');
    t.notOk(ismgAuthenticates(resp.authenticatorIsmg, 0, statusBytes, authSource, 'other'), 'and not with another secret');
    t.equal(c.received[0].raw.length, 12 + statusBytes + 16 + 1, 'CONNECT_RESP of its version\'s length');
    t.match(sim.stats().ismg, { binds: 1, bindsRefused: 0, connections: 1 });
  });
}

t.test('a CONNECT with a wrong secret is refused with Status 3, and a right one then succeeds', async (t) => {
  const { sim, connect } = await oneIsmg(t, '3.0');
  const c = await connect();
  const bad = await c.login(SP_ID, 'wrong');
  t.equal(bad.resp.status, 3);
  t.ok(ismgAuthenticates(bad.resp.authenticatorIsmg, 3, 4, bad.authSource, SECRET), 'the refusal is signed with the Status as sent');
  const refused = await c.request((seq) => encodeSubmit('3.0', seq, submitFields())).catch((e: Error) => e);
  t.match(refused, { message: 'connection closed' }, 'a SUBMIT without an accepted login closes the link');
  const c2 = await connect();
  t.equal((await c2.login()).resp.status, 0);
  t.match(sim.stats().ismg, { binds: 1, bindsRefused: 1 });
});

t.test('a CONNECT from another SP id is refused with Status 2; a higher version with Status 4', async (t) => {
  const { connect } = await oneIsmg(t, '2.0');
  const c = await connect();
  t.equal((await c.login('999999')).resp.status, 2);
  t.equal((await c.login(SP_ID, SECRET, 0x30)).resp.status, 4);
  t.equal((await c.login()).resp.status, 0);
});

t.test('refuseBinds refuses the first logins with Status 5, then accepts', async (t) => {
  const { sim, connect } = await oneIsmg(t, '2.0', { refuseBinds: 2 });
  const c = await connect();
  t.equal((await c.login()).resp.status, 5);
  t.equal((await c.login()).resp.status, 5);
  t.equal((await c.login()).resp.status, 0);
  t.match(sim.stats().ismg, { binds: 1, bindsRefused: 2 });
});

t.test('ACTIVE_TEST is answered with ACTIVE_TEST_RESP of the same sequence', async (t) => {
  const { connected } = await oneIsmg(t, '2.0');
  const c = await connected();
  const seq = c.send((s) => encodeEmpty('active_test', s));
  const got = await c.waitFor((p) => p.command === 'active_test_resp');
  t.equal(got.pdu.seq, seq);
  t.equal(got.raw.length, 13, 'header and the Reserve octet');
});

t.test('the ISMG sends its own ACTIVE_TEST when the SP is idle, and stays up when it is answered', async (t) => {
  const { connected } = await oneIsmg(t, '3.0', { activeTestMs: 50 });
  const c = await connected();
  await c.waitFor((p) => p.command === 'active_test');
  await c.waitFor((p) => p.command === 'active_test');
  t.notOk(c.closed);
  t.equal((await c.submit()).result, 0, 'the link still carries submits');
});

t.test('TERMINATE is answered with TERMINATE_RESP and the ISMG closes the link', async (t) => {
  const { connected } = await oneIsmg(t, '2.0');
  const c = await connected();
  const seq = c.send((s) => encodeEmpty('terminate', s));
  t.equal((await c.waitFor((p) => p.command === 'terminate_resp')).pdu.seq, seq);
  await c.waitClosed();
  t.ok(c.closed);
});

t.test('a frame that does not decode closes the link', async (t) => {
  const { connected } = await oneIsmg(t, '2.0');
  const c = await connected();
  const frame = Buffer.alloc(16);
  frame.writeUInt32BE(16, 0);
  frame.writeUInt32BE(0x00000099, 4); // no such command
  c.socket.write(frame);
  await c.waitClosed();
  t.ok(c.closed);
});

const delivers = (c: CmppTestClient) =>
  c.received.filter((r) => r.pdu.command === 'deliver').map((r) => r.pdu.body as CmppDeliver);

for (const version of ['2.0', '3.0'] as const) {
  t.test(`an MO (退订) over CMPP ${version} goes out as one DELIVER in UCS2 and resolves when answered`, async (t) => {
    const { sim, connected } = await oneIsmg(t, version);
    const c = await connected();
    await sim.sendMo('ismg', { from: '13800138000', to: '106571234', text: '退订' });
    const [d] = delivers(c);
    t.match(d, { msgFmt: 8, tpUdhi: 0, registeredDelivery: 0, srcTerminalId: '13800138000', destId: '106571234' });
    t.equal(d.content.toString('hex'), '90008ba2', 'UTF-16BE of 退订');
    const raw = c.received.find((r) => r.pdu.command === 'deliver')!.raw;
    const again = decodeCmpp(raw, version);
    t.ok(again.ok, 'the DELIVER decodes as its version lays it out');
  });
}

t.test('an ASCII MO goes out with Msg_Fmt 0; a long one in UDH parts with TP_udhi 1', async (t) => {
  const { sim, connected } = await oneIsmg(t, '2.0');
  const c = await connected();
  await sim.sendMo('ismg', { from: '13800138000', to: '106571234', text: 'TD' });
  t.match(delivers(c)[0], { msgFmt: 0, tpUdhi: 0 });
  t.equal(delivers(c)[0].content.toString('latin1'), 'TD');
  const long = '请'.repeat(150);
  await sim.sendMo('ismg', { from: '13800138000', to: '106571234', text: long });
  const parts = delivers(c).slice(1);
  t.equal(parts.length, 3, '150 UCS2 characters at 67 a part');
  let text = '';
  parts.forEach((p, i) => {
    t.match(p, { msgFmt: 8, tpUdhi: 1 });
    const { body, concat } = splitUdh(p.content);
    t.match(concat, { total: 3, seq: i + 1 });
    t.ok(p.content.length <= 140);
    text += ucs2Decode(body);
  });
  t.equal(text, long);
});

t.test('an MO answered with a Result other than 0 is reported as failed', async (t) => {
  const { sim, connected } = await oneIsmg(t, '3.0');
  const c = await connected();
  c.answerDeliver = () => 9;
  await t.rejects(sim.sendMo('ismg', { from: '13800138000', to: '106571234', text: 'TD' }), /Result 9/);
});

t.test('an MO with no SP connected is refused', async (t) => {
  const { sim, connect } = await oneIsmg(t, '2.0');
  await connect();
  await t.rejects(sim.sendMo('ismg', { from: '13800138000', to: '106571234', text: 'TD' }), { code: 'NOT_BOUND' });
});
