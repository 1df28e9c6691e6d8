/**
 * Answers that prove nothing: a session accepts a response only when its command is the request's
 * response and it carries what SMPP 3.4 requires; a frame begun must end in time; a streak of
 * unanswered requests closes the session.
 */
import t from 'tap';
import smpp from 'smpp';
import { FakeSmsc, type FakeSmscOptions } from '../helpers/fake-smsc.js';
import { SmppSession, type SessionOptions, type SessionCloseInfo } from '../../src/smpp/session.js';
import { CommandId } from '../../src/smpp/pdu-header.js';
import { encodeBody } from '../../src/smpp/pdu-codec.js';

const body = encodeBody('submit_sm', { destination_addr: '8613912345678', short_message: 'hi' });
const submit = { commandId: CommandId.submit_sm, body };

async function bound(t: any, smscOpts: FakeSmscOptions, over: Partial<SessionOptions> = {}) {
  const smsc = await FakeSmsc.start(smscOpts);
  const session = new SmppSession({
    host: '127.0.0.1', port: smsc.port, systemId: 'esme', password: 'pw', bindType: 'transceiver',
    windowSize: 10, responseTimeoutMs: 1000, enquireLinkMs: 60_000, bindTimeoutMs: 5000, dropAfterTimeouts: 0, ...over,
  });
  t.teardown(async () => {
    await session.close();
    await smsc.close();
  });
  const closed = new Promise<SessionCloseInfo>((resolve) => session.once('close', resolve));
  await session.open();
  return { smsc, session, closed };
}

/** A raw PDU: header and body as given, command_length computed. */
function raw(commandId: number, status: number, seq: number, payload = Buffer.alloc(0)): Buffer {
  const buf = Buffer.alloc(16 + payload.length);
  buf.writeUInt32BE(buf.length, 0);
  buf.writeUInt32BE(commandId >>> 0, 4);
  buf.writeUInt32BE(status, 8);
  buf.writeUInt32BE(seq, 12);
  payload.copy(buf, 16);
  return buf;
}

t.test('a generic_nack with status 0 is never acceptance: it reads as ESME_RSYSERR and the session stays bound', async (t) => {
  const { session } = await bound(t, {
    onSubmit: (pdu, conn) => (conn.write(raw(CommandId.generic_nack, 0, pdu.sequence_number)), { drop: true }),
  });
  const o = await session.request(submit.commandId, submit.body);
  t.match(o, { kind: 'response', status: 0x08 });
  t.equal(session.status, 'bound');
});

t.test('a generic_nack with an error status keeps that status', async (t) => {
  const { session } = await bound(t, {
    onSubmit: (pdu, conn) => (conn.write(raw(CommandId.generic_nack, 0x58, pdu.sequence_number)), { drop: true }),
  });
  t.match(await session.request(submit.commandId, submit.body), { kind: 'response', status: 0x58 });
});

t.test('a submit_sm_resp with status 0 and no message_id is no-answer NO_MESSAGE_ID, not acceptance', async (t) => {
  const { session } = await bound(t, {
    onSubmit: (pdu, conn) => {
      // Once with no body at all, once with an empty C-octet string.
      const empty = pdu.sequence_number % 2 === 0 ? Buffer.alloc(0) : Buffer.from([0]);
      conn.write(raw(CommandId.submit_sm_resp, 0, pdu.sequence_number, empty));
      return { drop: true };
    },
  });
  const outs = await Promise.all(session.requestMany([submit, submit]));
  t.same(outs, [{ kind: 'no-answer', code: 'NO_MESSAGE_ID' }, { kind: 'no-answer', code: 'NO_MESSAGE_ID' }]);
  t.equal(session.status, 'bound', 'the framing is sound: the session stays');
});

t.test("an enquire_link_resp under a submit's sequence number closes the session with BAD_PDU; the submit is no-answer", async (t) => {
  const { session, closed } = await bound(t, {
    onSubmit: (pdu, conn) => (conn.write(raw(CommandId.enquire_link_resp, 0, pdu.sequence_number)), { drop: true }),
  });
  t.same(await session.request(submit.commandId, submit.body), { kind: 'no-answer', code: 'BAD_PDU' });
  t.match(await closed, { code: 'BAD_PDU', reason: /enquire_link_resp answers a request 0x00000004 under sequence number/ });
});

t.test('a frame begun and then trickled a byte at a time closes the session with BAD_PDU after frameTimeoutMs', async (t) => {
  const timers: NodeJS.Timeout[] = [];
  t.teardown(() => timers.forEach(clearInterval));
  const { session, closed } = await bound(t, {
    onSubmit: (pdu, conn) => {
      const resp = new smpp.PDU('submit_sm_resp', { sequence_number: pdu.sequence_number, message_id: 'abcdef0123456789' }).toBuffer();
      conn.write(resp.subarray(0, 16));
      let at = 16;
      timers.push(setInterval(() => { if (at < resp.length - 1) conn.write(resp.subarray(at, ++at)); }, 100));
      return { drop: true };
    },
  }, { frameTimeoutMs: 500, responseTimeoutMs: 30_000 });
  const started = performance.now();
  const o = await session.request(submit.commandId, submit.body);
  t.same(o, { kind: 'no-answer', code: 'CONNECTION_CLOSED' });
  t.match(await closed, { code: 'BAD_PDU', reason: /partial frame/ });
  t.ok(performance.now() - started < 30_000, 'closed by the frame deadline, not the response timeout');
});

t.test('a frame split across chunks but complete in time is read as usual', async (t) => {
  const { session } = await bound(t, {
    onSubmit: (pdu, conn) => {
      const resp = new smpp.PDU('submit_sm_resp', { sequence_number: pdu.sequence_number, message_id: 'id-1' }).toBuffer();
      conn.write(resp.subarray(0, 10));
      setTimeout(() => conn.write(resp.subarray(10)), 50);
      return { drop: true };
    },
  }, { frameTimeoutMs: 2000 });
  t.match(await session.request(submit.commandId, submit.body), { kind: 'response', status: 0, pdu: { message_id: 'id-1' } });
  t.equal(session.status, 'bound');
});

t.test('dropAfterTimeouts 3: three requests in a row unanswered close the session with RESPONSE_TIMEOUT', async (t) => {
  const { session, closed } = await bound(t, { onSubmit: () => ({ drop: true }) }, { dropAfterTimeouts: 3, responseTimeoutMs: 200 });
  const outs = await Promise.all(session.requestMany([submit, submit, submit, submit]));
  t.same(outs.map((o) => o.kind), ['no-answer', 'no-answer', 'no-answer', 'no-answer']);
  t.match(await closed, { code: 'RESPONSE_TIMEOUT', reason: /3 requests in a row unanswered/ });
});

t.test('an answer in between resets the streak: the session stays bound', async (t) => {
  let n = 0;
  const { session } = await bound(t, { onSubmit: () => (++n % 3 === 0 ? {} : { drop: true }) }, { dropAfterTimeouts: 3, responseTimeoutMs: 200 });
  for (let i = 0; i < 6; i++) await session.request(submit.commandId, submit.body);
  t.equal(n, 6);
  t.equal(session.status, 'bound', 'never three in a row');
});
