import t from 'tap';
import { CmppSession, type CmppSessionOptions } from '../../src/cmpp/session.js';
import { submitBody } from '../../src/cmpp/submit.js';
import { authenticatorSource, connectTimestamp } from '../../src/cmpp/auth.js';
import { encodeActiveTestResp, encodeEmpty } from '../../src/cmpp/codec.js';
import { CmppCommand, type CmppVersion } from '../../src/cmpp/constants.js';
import { encodeDeliver, encodeReport, type CmppDeliver } from '../../src/cmpp/deliver.js';
import { msgIdFromDecimal } from '../../src/cmpp/msg-id.js';
import { classifyCmppResult } from '../../src/cmpp/results.js';
import { encodeSubmitResp, type CmppSubmit } from '../../src/cmpp/submit.js';
import type { InboundRequest, RequestOutcome } from '../../src/session/outcome.js';
import type { SessionCloseInfo } from '../../src/session/core.js';
import { FakeIsmg, type FakeIsmgOptions } from './fixtures/fake-ismg.js';
import { until } from '../helpers/until.js';

const SECRET = 'shared-secret';
const SP_ID = '901234';
const VERSIONS: CmppVersion[] = ['2.0', '3.0'];
/** 2026-12-02 07:38:00 UTC: 15:38:00 in China. */
const NOW_MS = Date.UTC(2026, 11, 2, 7, 38, 0);
const MSG_ID_DEC = '13924672659083231274'; // c13e6001e240002a

const SUBMIT: CmppSubmit = {
  msgId: Buffer.alloc(8), pkTotal: 1, pkNumber: 1, registeredDelivery: 1, msgLevel: 0, serviceId: 'smppd',
  feeUserType: 2, feeTerminalId: '', feeTerminalType: 0, tpPid: 0, tpUdhi: 0, msgFmt: 8, msgSrc: SP_ID,
  feeType: '01', feeCode: '000000', validTime: '', atTime: '', srcId: '106571234', destTerminalIds: ['13800138000'],
  destTerminalType: 0, content: Buffer.from('4f60597d', 'hex'), linkId: '',
};

function options(v: CmppVersion, port: number, over: Partial<CmppSessionOptions> = {}): CmppSessionOptions {
  return {
    host: '127.0.0.1', port, version: v, spId: SP_ID, sharedSecret: SECRET, windowSize: 4,
    responseTimeoutMs: 2000, activeTestMs: 30_000, connectTimeoutMs: 10_000, now: () => NOW_MS, ...over,
  };
}

async function bound(t: any, v: CmppVersion, ismgOpts: Partial<FakeIsmgOptions> = {}, over: Partial<CmppSessionOptions> = {}) {
  const ismg = await FakeIsmg.start({ version: v, secret: SECRET, ...ismgOpts });
  const session = new CmppSession(options(v, ismg.port, over));
  const closed = new Promise<SessionCloseInfo>((resolve) => session.once('close', resolve));
  t.teardown(async () => {
    await session.close();
    await ismg.close();
  });
  await session.open();
  return { ismg, session, closed };
}

const submit = (s: CmppSession, v: CmppVersion): Promise<RequestOutcome> => s.request(CmppCommand.submit, submitBody(v, SUBMIT));

function deliver(v: CmppVersion, over: Partial<CmppDeliver>): (seq: number) => Buffer {
  const d: CmppDeliver = {
    msgId: msgIdFromDecimal('77')!, destId: '106571234', serviceId: 'smppd', tpPid: 0, tpUdhi: 0, msgFmt: 0,
    srcTerminalId: '13800138000', srcTerminalType: 0, registeredDelivery: 0, content: Buffer.from('TD'), linkId: '', ...over,
  };
  return (seq) => encodeDeliver(v, seq, d);
}

for (const v of VERSIONS) {
  t.test(`CMPP ${v}: the CONNECT carries Source_Addr, the version and an authenticator over the China-time Timestamp, and the session becomes bound`, async (t) => {
    const { ismg, session } = await bound(t, v);
    const [rec] = ismg.commands('connect');
    const c = rec!.pdu.command === 'connect' ? rec!.pdu.body : null;
    t.equal(c?.sourceAddr, SP_ID);
    t.equal(c?.version, v === '2.0' ? 0x20 : 0x30);
    t.equal(c?.timestamp, 1202153800, 'MMDDHHMMSS in China Standard Time');
    t.same(c?.authenticatorSource, authenticatorSource(SP_ID, SECRET, connectTimestamp(NOW_MS)));
    t.equal(rec!.authOk, true, 'the ISMG verified it');
    t.equal(session.status, 'bound');
  });

  t.test(`CMPP ${v}: a CONNECT refused with status 3 rejects open() with BIND_FAILED naming the status`, async (t) => {
    const ismg = await FakeIsmg.start({ version: v, secret: SECRET, connectStatus: 3 });
    t.teardown(() => ismg.close());
    const session = new CmppSession(options(v, ismg.port));
    await t.rejects(session.open(), { code: 'BIND_FAILED', message: /status 3 \(authentication failed\)/ });
    t.equal(session.status, 'closed');
  });

  t.test(`CMPP ${v}: a status 0 whose AuthenticatorISMG does not verify is refused with BIND_FAILED`, async (t) => {
    const ismg = await FakeIsmg.start({ version: v, secret: SECRET, wrongAuthenticator: true });
    t.teardown(() => ismg.close());
    const session = new CmppSession(options(v, ismg.port));
    await t.rejects(session.open(), { code: 'BIND_FAILED', message: /AuthenticatorISMG does not verify/ });
    t.equal(session.status, 'closed');
    t.equal(session.windowFree, 0, 'nothing can be written on it');
  });

  t.test(`CMPP ${v}: a submit is written under its header and answered with the Msg_Id in canonical decimal`, async (t) => {
    const { ismg, session } = await bound(t, v, { onSubmit: () => ({ msgId: Buffer.from('c13e6001e240002a', 'hex') }) });
    const o = await submit(session, v);
    t.match(o, { kind: 'response', status: 0, pdu: { command: 'submit_resp', message_id: MSG_ID_DEC, result: 0 } });
    const [rec] = ismg.commands('submit');
    t.same(rec!.pdu.command === 'submit' && rec!.pdu.body.destTerminalIds, ['13800138000'], 'the ISMG read the body whole');
    t.equal(session.windowFree, 4, 'the slot is free again');
  });

  t.test(`CMPP ${v}: Result 8 comes back as the response's status, mapped to throttled, and the session stays bound`, async (t) => {
    const { session } = await bound(t, v, { onSubmit: () => ({ result: 8 }) });
    const o = await submit(session, v);
    t.match(o, { kind: 'response', status: 8, pdu: { result: 8 } });
    t.equal(classifyCmppResult(v, (o as { status: number }).status), 'throttled');
    t.equal(session.classify(8), 'throttled', 'the session reads its Result the same way');
    t.equal(session.classify(13), v === '3.0' ? 'permanent' : 'transient');
    t.equal(session.status, 'bound');
  });

  t.test(`CMPP ${v}: a CMPP_DELIVER status report is handed to the listener and answered only when it responds`, async (t) => {
    const { ismg, session } = await bound(t, v);
    let held: InboundRequest | null = null;
    session.on('deliver', (req: InboundRequest) => (held = req));
    const report = encodeReport(v, msgIdFromDecimal(MSG_ID_DEC)!, {
      stat: 'DELIVRD', submitTime: '2612021538', doneTime: '2612021539', destTerminalId: '13800138000', smscSequence: 7,
    });
    const conn = ismg.conns[0]!;
    const answer = conn.request(deliver(v, { registeredDelivery: 1, content: report }));
    await until('the deliver reaches the listener', () => held !== null);
    const req = held! as InboundRequest;
    t.equal(req.command, 'deliver');
    t.match(req.pdu, { msgId: '77', registeredDelivery: 1, report: { msgId: MSG_ID_DEC, stat: 'DELIVRD', destTerminalId: '13800138000', smscSequence: 7 } });
    // The session answers in order: once the ACTIVE_TEST sent after the DELIVER is answered, an early
    // DELIVER_RESP would already be here.
    t.ok(await conn.request((seq) => encodeEmpty('active_test', seq)), 'ACTIVE_TEST answered');
    t.equal(ismg.commands('deliver_resp').length, 0, 'no DELIVER_RESP before the listener responds');
    req.respond(0);
    const resp = await answer;
    t.match(resp, { command: 'deliver_resp', body: { msgId: '77', result: 0 } });
  });
}

t.test('a Result 0 with a Msg_Id of zeros is no-answer NO_MESSAGE_ID, not acceptance', async (t) => {
  const { session } = await bound(t, '3.0', { onSubmit: () => ({ msgId: Buffer.alloc(8) }) });
  t.same(await submit(session, '3.0'), { kind: 'no-answer', code: 'NO_MESSAGE_ID' });
  t.equal(session.status, 'bound');
});

t.test('a SUBMIT_RESP for an unknown sequence number closes the session with BAD_PDU and hands back what is in flight', async (t) => {
  const { session, closed } = await bound(t, '2.0', {
    onSubmit: () => ({ raw: (seq) => encodeSubmitResp('2.0', seq + 1000, Buffer.alloc(8, 1), 0) }),
  });
  const o = await submit(session, '2.0');
  t.same(o, { kind: 'no-answer', code: 'CONNECTION_CLOSED' });
  t.match(await closed, { code: 'BAD_PDU', reason: /CMPP_SUBMIT_RESP for unknown sequence number/ });
});

t.test("an ACTIVE_TEST_RESP under a submit's sequence number is a mismatch: BAD_PDU, the submit is no-answer", async (t) => {
  const { session, closed } = await bound(t, '3.0', { onSubmit: () => ({ raw: (seq) => encodeActiveTestResp(seq) }) });
  t.same(await submit(session, '3.0'), { kind: 'no-answer', code: 'BAD_PDU' });
  t.match(await closed, { code: 'BAD_PDU', reason: /CMPP_ACTIVE_TEST_RESP answers a CMPP_SUBMIT/ });
  t.equal(session.status, 'closed');
});

t.test("the ISMG's ACTIVE_TEST is answered with ACTIVE_TEST_RESP", async (t) => {
  const { ismg, session } = await bound(t, '2.0');
  const resp = await ismg.conns[0]!.request((seq) => encodeEmpty('active_test', seq));
  t.equal(resp?.command, 'active_test_resp');
  t.equal(session.status, 'bound');
});

t.test('a silent ISMG is found by the keep-alive: ACTIVE_TEST unanswered closes the session as a dead link', async (t) => {
  const { ismg, closed } = await bound(t, '3.0', { answerActiveTest: false }, { activeTestMs: 100, responseTimeoutMs: 300 });
  t.match(await closed, { code: 'RESPONSE_TIMEOUT', reason: /dead link: no answer to CMPP_ACTIVE_TEST/ });
  t.ok(ismg.commands('active_test').length >= 1, 'an ACTIVE_TEST was sent');
});

t.test("the ISMG's TERMINATE is answered with TERMINATE_RESP and the session closes, handing back what is in flight", async (t) => {
  const { ismg, session, closed } = await bound(t, '2.0', { onSubmit: () => ({ drop: true }) });
  const pending = submit(session, '2.0');
  await ismg.waitFor('the submit', () => ismg.commands('submit').length === 1);
  const resp = await ismg.conns[0]!.request((seq) => encodeEmpty('terminate', seq));
  t.equal(resp?.command, 'terminate_resp');
  t.match(await closed, { reason: 'CMPP_TERMINATE by ISMG' });
  t.same(await pending, { kind: 'no-answer', code: 'CONNECTION_CLOSED' });
  t.equal(session.status, 'closed');
});

t.test('close() sends TERMINATE, and in-flight requests come back no-answer, those beyond the window not-written', async (t) => {
  const { ismg, session } = await bound(t, '3.0', { onSubmit: () => ({ drop: true }) }, { windowSize: 2, responseTimeoutMs: 60_000 });
  const seen: string[] = [];
  session.on('status', (from, to) => seen.push(`${from}->${to}`));
  const outs = session.requestMany([1, 2, 3].map(() => ({ commandId: CmppCommand.submit, body: submitBody('3.0', SUBMIT) })));
  t.same(await outs[2], { kind: 'not-written', code: 'WINDOW_FULL' });
  await ismg.waitFor('two submits', () => ismg.commands('submit').length === 2);
  // The ISMG answers TERMINATE and hangs up: what it never answered is handed back.
  await session.close();
  t.same(await Promise.all(outs.slice(0, 2)), [{ kind: 'no-answer', code: 'CONNECTION_CLOSED' }, { kind: 'no-answer', code: 'CONNECTION_CLOSED' }]);
  t.equal(ismg.commands('terminate').length, 1);
  t.same(seen, ['bound->unbinding', 'unbinding->closed']);
  t.same(await submit(session, '3.0'), { kind: 'not-written', code: 'NOT_BOUND' });
});

t.test('an MO DELIVER is handed over with no report; with no listener the ISMG is told to deliver it again', async (t) => {
  const { ismg, session } = await bound(t, '2.0');
  const conn = ismg.conns[0]!;
  t.match(await conn.request(deliver('2.0', {})), { command: 'deliver_resp', body: { result: 8 } }, 'flow control: resent later');
  session.on('deliver', (req: InboundRequest) => {
    t.match(req.pdu, { registeredDelivery: 0, report: null, srcTerminalId: '13800138000' });
    t.equal(req.pdu.content.toString(), 'TD');
    req.respond(0);
  });
  t.match(await conn.request(deliver('2.0', {})), { command: 'deliver_resp', body: { result: 0 } });
});

t.test('a command an ISMG never sends closes the session with BAD_PDU', async (t) => {
  const { ismg, closed } = await bound(t, '2.0');
  const frame = Buffer.alloc(12);
  frame.writeUInt32BE(12, 0);
  frame.writeUInt32BE(0x00000099, 4);
  frame.writeUInt32BE(5, 8);
  ismg.conns[0]!.write(frame);
  t.match(await closed, { code: 'BAD_PDU', reason: /unsupported Command_Id 0x00000099/ });
});

t.test('the shared secret never appears in the logs, even of a refused login', async (t) => {
  const lines: string[] = [];
  const { default: pino } = await import('pino');
  const logger = pino({ level: 'debug' }, { write: (s: string) => lines.push(s) });
  const { session } = await bound(t, '3.0', {}, { logger });
  await submit(session, '3.0');
  await session.close();
  const refusing = await FakeIsmg.start({ version: '3.0', secret: SECRET, wrongAuthenticator: true });
  t.teardown(() => refusing.close());
  await new CmppSession(options('3.0', refusing.port, { logger })).open().catch(() => {});
  t.ok(lines.some((l) => l.includes('AuthenticatorISMG')), 'the refusal was logged');
  t.notOk(lines.some((l) => l.includes(SECRET)));
});

t.test('a burst of submits leaves the socket in one write, and their answers pair by sequence number', async (t) => {
  const { ismg, session } = await bound(t, '2.0', { onSubmit: (pdu) => ({ result: pdu.seq % 2 === 0 ? 0 : 1 }) }, { windowSize: 8 });
  const sock = (session as unknown as { socket: any }).socket;
  const writes = { writev: [] as number[], write: 0 };
  const writev = sock._writev.bind(sock);
  const write = sock._write.bind(sock);
  sock._writev = (chunks: unknown[], cb: () => void) => { writes.writev.push(chunks.length); return writev(chunks, cb); };
  sock._write = (chunk: unknown, enc: string, cb: () => void) => { writes.write++; return write(chunk, enc, cb); };
  const outs = await Promise.all(session.requestMany(Array.from({ length: 6 }, () => ({ commandId: CmppCommand.submit, body: submitBody('2.0', SUBMIT) }))));
  t.same(writes, { writev: [6], write: 0 }, 'one writev of six frames');
  const seqs = ismg.commands('submit').map((r) => r.pdu.seq);
  t.same(outs.map((o) => (o as { status: number }).status), seqs.map((s) => (s % 2 === 0 ? 0 : 1)), 'each answer reached its own request');
});
