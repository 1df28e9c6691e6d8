import t from 'tap';
import smpp from 'smpp';
import { FakeSmsc } from '../helpers/fake-smsc.js';
import { SmppSession, type SessionOptions, type InboundRequest } from '../../src/smpp/session.js';
import { readSm } from '../../src/smpp/sm-fields.js';
import { CommandId } from '../../src/smpp/pdu-header.js';
import { encodeBody } from '../../src/smpp/pdu-codec.js';
import { SmppdError } from '../../src/errors.js';
import { writeUntilRefused } from '../helpers/backpressure.js';

const body = encodeBody('submit_sm', { destination_addr: '8613912345678', short_message: 'hi' });

function options(port: number, over: Partial<SessionOptions> = {}): SessionOptions {
  return {
    host: '127.0.0.1', port, systemId: 'esme', password: 'secret-pw', bindType: 'transceiver',
    windowSize: 10, responseTimeoutMs: 1000, enquireLinkMs: 5000, bindTimeoutMs: 2000, ...over,
  };
}

async function bound(t: any, smscOpts = {}, over: Partial<SessionOptions> = {}) {
  const smsc = await FakeSmsc.start(smscOpts);
  const session = new SmppSession(options(smsc.port, over));
  t.teardown(async () => {
    await session.close();
    await smsc.close();
  });
  await session.open();
  return { smsc, session };
}

t.test('bind_transceiver carries interface_version 0x34 on the wire and the session becomes bound', async (t) => {
  const { smsc, session } = await bound(t);
  const [bind] = smsc.commands('bind_transceiver');
  t.equal(bind!.raw.readUInt32BE(4), 0x09, 'command_id bind_transceiver');
  t.equal(bind!.pdu.interface_version, 0x34);
  t.equal(bind!.pdu.system_id, 'esme');
  t.equal(session.status, 'bound');
});

t.test('status changes are emitted from -> to in order through close', async (t) => {
  const smsc = await FakeSmsc.start();
  t.teardown(() => smsc.close());
  const session = new SmppSession(options(smsc.port, { bindType: 'transmitter' }));
  const seen: string[] = [];
  session.on('status', (from, to) => seen.push(`${from}->${to}`));
  await session.open();
  await session.close();
  t.same(seen, ['idle->connecting', 'connecting->binding', 'binding->bound', 'bound->unbinding', 'unbinding->closed']);
  t.equal(smsc.commands('unbind').length, 1, 'unbind sent on close');
});

t.test('a refused bind rejects open() with BIND_FAILED and closes', async (t) => {
  const smsc = await FakeSmsc.start({ bindStatus: () => 0x0d });
  t.teardown(() => smsc.close());
  const session = new SmppSession(options(smsc.port));
  await t.rejects(session.open(), { code: 'BIND_FAILED' });
  t.equal(session.status, 'closed');
});

t.test('a connection refused rejects open() with CONNECTION_CLOSED', async (t) => {
  const smsc = await FakeSmsc.start();
  const port = smsc.port;
  await smsc.close();
  const session = new SmppSession(options(port));
  const err = await session.open().catch((e) => e);
  t.ok(err instanceof SmppdError);
  t.equal(err.code, 'CONNECTION_CLOSED');
});

t.test('requests beyond the window come back not-written WINDOW_FULL at once', async (t) => {
  const { smsc, session } = await bound(t, { onSubmit: () => ({ delayMs: 50 }) }, { windowSize: 3 });
  const outcomes = session.requestMany(Array.from({ length: 5 }, () => ({ commandId: CommandId.submit_sm, body })));
  t.equal(session.inFlight, 3);
  t.equal(session.windowFree, 0);
  const all = await Promise.all(outcomes);
  t.same(all.map((o) => o.kind), ['response', 'response', 'response', 'not-written', 'not-written']);
  t.same(all[4], { kind: 'not-written', code: 'WINDOW_FULL' });
  t.equal(smsc.commands('submit_sm').length, 3, 'only the window reached the SMSC');
  t.equal(session.windowFree, 3, 'slots freed by the responses');
});

t.test('a request before bind is not-written NOT_BOUND', async (t) => {
  const session = new SmppSession(options(1));
  t.same(await session.request(CommandId.submit_sm, body), { kind: 'not-written', code: 'NOT_BOUND' });
  await session.close();
  t.equal(session.status, 'closed');
});

t.test('a response carries status, decoded fields and latency', async (t) => {
  const { session } = await bound(t, { onSubmit: () => ({ status: 0x58 }) });
  const o = await session.request(CommandId.submit_sm, body);
  t.equal(o.kind, 'response');
  if (o.kind !== 'response') return;
  t.equal(o.status, 0x58);
  t.equal(o.pdu.command, 'submit_sm_resp');
  t.ok(o.latencyMs >= 0 && o.latencyMs < 1000);
  t.equal(session.classify(o.status), 'throttled', 'ESME_RTHROTTLED reads as throttled');
  t.equal(session.classify(0x08), 'transient', 'ESME_RSYSERR: tried again');
});

t.test('no response within responseTimeoutMs gives no-answer RESPONSE_TIMEOUT and frees the slot', async (t) => {
  const { session } = await bound(t, { onSubmit: () => ({ drop: true }) }, { responseTimeoutMs: 80, windowSize: 1 });
  const started = performance.now();
  const o = await session.request(CommandId.submit_sm, body);
  t.same(o, { kind: 'no-answer', code: 'RESPONSE_TIMEOUT' });
  t.ok(performance.now() - started >= 75, 'not before the timeout');
  t.equal(session.windowFree, 1);
  t.equal(session.status, 'bound', 'a timeout alone does not close the session');
});

t.test('a response arriving after its timeout is reported late and does not close the session', async (t) => {
  const { session } = await bound(t, { onSubmit: () => ({ delayMs: 120 }) }, { responseTimeoutMs: 50 });
  const late = new Promise((resolve) => session.once('late-response', resolve));
  t.same(await session.request(CommandId.submit_sm, body), { kind: 'no-answer', code: 'RESPONSE_TIMEOUT' });
  t.match(await late, { status: 0 });
  t.equal(session.status, 'bound');
});

t.test('close() hands back every in-flight request as no-answer CONNECTION_CLOSED', async (t) => {
  const { smsc, session } = await bound(t, { onSubmit: () => ({ drop: true }) }, { responseTimeoutMs: 150 });
  const outcomes = session.requestMany(Array.from({ length: 4 }, () => ({ commandId: CommandId.submit_sm, body })));
  await smsc.waitFor(() => smsc.commands('submit_sm').length === 4);
  const closed = session.close('test');
  t.equal(session.close(), closed, 'close() is idempotent');
  await closed;
  const all = await Promise.all(outcomes);
  t.equal(all.length, 4);
  for (const o of all) t.same(o, { kind: 'no-answer', code: 'CONNECTION_CLOSED' });
  t.equal(session.inFlight, 0);
});

t.test('the SMSC closing the socket hands back in-flight requests and emits close', async (t) => {
  const { smsc, session } = await bound(t, { onSubmit: () => ({ drop: true }) });
  const closeInfo = new Promise<any>((resolve) => session.once('close', resolve));
  const o = session.request(CommandId.submit_sm, body);
  await smsc.waitFor(() => smsc.commands('submit_sm').length === 1);
  smsc.conns[0]!.socket.destroy();
  t.same(await o, { kind: 'no-answer', code: 'CONNECTION_CLOSED' });
  t.match(await closeInfo, { code: 'CONNECTION_CLOSED' });
});

t.test('the SMSC enquire_link is answered', async (t) => {
  const { smsc } = await bound(t);
  const resp = await smsc.conns[0]!.request('enquire_link');
  t.equal(resp?.command, 'enquire_link_resp');
  t.equal(resp?.command_status, 0);
});

t.test('enquire_link is sent after enquireLinkMs idle', async (t) => {
  const { smsc, session } = await bound(t, {}, { enquireLinkMs: 60 });
  await smsc.waitFor(() => smsc.commands('enquire_link').length >= 2, 1000);
  t.equal(session.status, 'bound', 'answered enquire_links keep the link');
});

t.test('an unanswered enquire_link closes the session as a dead link', async (t) => {
  const { session } = await bound(t, { answerEnquireLink: false }, { enquireLinkMs: 40, responseTimeoutMs: 60 });
  const info = await new Promise<any>((resolve) => session.once('close', resolve));
  t.match(info, { code: 'RESPONSE_TIMEOUT', reason: /dead link/ });
});

t.test('an unknown command from the SMSC gets generic_nack ESME_RINVCMDID', async (t) => {
  const { smsc, session } = await bound(t);
  const got = new Promise<Buffer>((resolve) => smsc.conns[0]!.socket.once('data', resolve));
  const raw = Buffer.from('00000010' + '000000ff' + '00000000' + '00000042', 'hex');
  smsc.conns[0]!.write(raw);
  const resp = await got;
  t.equal(resp.toString('hex'), '00000010' + '80000000' + '00000003' + '00000042');
  t.equal(session.status, 'bound');
});

t.test('an unbind from the SMSC is answered and the session closes', async (t) => {
  const { smsc, session } = await bound(t);
  const closed = new Promise((resolve) => session.once('close', resolve));
  const resp = await smsc.conns[0]!.request('unbind');
  t.equal(resp?.command, 'unbind_resp');
  await closed;
  t.equal(session.status, 'closed');
});

t.test('deliver_sm is handed to the listener and answered only when it responds', async (t) => {
  const { smsc, session } = await bound(t);
  let held: InboundRequest | null = null;
  session.on('deliver', (req: InboundRequest) => (held = req));
  const answer = smsc.conns[0]!.request('deliver_sm', { source_addr: '8613912345678', short_message: 'TD' }, 300);
  await smsc.waitFor(() => held !== null);
  t.equal(held!.command, 'deliver_sm');
  t.equal(held!.frame.readUInt32BE(0), held!.frame.length, 'the whole PDU, header included, as it came');
  t.equal(held!.frame.readUInt32BE(4), 0x00000005);
  t.equal(readSm(held!.frame).from, '8613912345678', 'read from the octets');
  t.equal(held!.pdu.short_message.message, 'TD', 'and decoded by the package when asked');
  await new Promise((r) => setTimeout(r, 30));
  t.equal(smsc.commands('deliver_sm_resp').length, 0, 'no automatic answer');
  held!.respond(0);
  held!.respond(0);
  const resp = await answer;
  t.equal(resp?.command, 'deliver_sm_resp');
  await new Promise((r) => setTimeout(r, 20));
  t.equal(smsc.commands('deliver_sm_resp').length, 1, 'answered exactly once');
});

t.test('a deliver listener that throws closes the session with bad-pdu, without crashing', async (t) => {
  const { smsc, session } = await bound(t);
  session.on('deliver', () => {
    throw new Error('boom');
  });
  const bad = new Promise<any>((resolve) => session.once('bad-pdu', resolve));
  void smsc.conns[0]!.request('deliver_sm', { short_message: 'x' }, 100);
  t.match(await bad, { reason: /boom/ });
  const info = await new Promise<any>((resolve) => session.once('close', resolve));
  t.equal(info.code, 'BAD_PDU');
});

t.test('garbage from the SMSC closes the session with BAD_PDU', async (t) => {
  const { smsc, session } = await bound(t, { onSubmit: () => ({ drop: true }) });
  const o = session.request(CommandId.submit_sm, body);
  await smsc.waitFor(() => smsc.commands('submit_sm').length === 1);
  const closed = new Promise<any>((resolve) => session.once('close', resolve));
  smsc.conns[0]!.write(Buffer.from('0000000400000000deadbeef', 'hex'));
  t.equal((await closed).code, 'BAD_PDU');
  t.same(await o, { kind: 'no-answer', code: 'CONNECTION_CLOSED' });
});

t.test('a response for an unknown sequence number closes the session with BAD_PDU', async (t) => {
  const { smsc, session } = await bound(t);
  const closed = new Promise<any>((resolve) => session.once('close', resolve));
  smsc.conns[0]!.write(new smpp.PDU('submit_sm_resp', { sequence_number: 999, message_id: 'x' }));
  t.match(await closed, { code: 'BAD_PDU', reason: /unknown sequence number 999/ });
});

t.test('the password never appears in the logs', async (t) => {
  const lines: string[] = [];
  const { default: pino } = await import('pino');
  const logger = pino({ level: 'debug' }, { write: (s: string) => lines.push(s) });
  const { session } = await bound(t, {}, { logger });
  await session.close();
  t.ok(lines.length > 3, 'something was logged');
  t.notOk(lines.some((l) => l.includes('secret-pw')));
});

t.test('20 random garbage streams each close a bound session with BAD_PDU, never a crash', async (t) => {
  const smsc = await FakeSmsc.start();
  t.teardown(() => smsc.close());
  let seed = 99;
  const next = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 0x100000000);
  const codes: string[] = [];
  for (let i = 0; i < 20; i++) {
    const session = new SmppSession(options(smsc.port));
    await session.open();
    const closed = new Promise<any>((resolve) => session.once('close', resolve));
    const garbage = Buffer.alloc(24 + Math.floor(next() * 120)); // longer than any declared length below
    for (let j = 0; j < garbage.length; j++) garbage[j] = Math.floor(next() * 256);
    // Half the streams carry a plausible length so the decoder, not only the framer, sees them.
    garbage.writeUInt32BE(i % 2 === 0 ? 0x10000 + Math.floor(next() * 0xffff) : 16 + (i % 8), 0);
    if (i % 2 === 1) garbage.writeUInt32BE(0x80000004, 4); // a response nobody asked for
    smsc.conns[smsc.conns.length - 1]!.write(garbage);
    const info = await Promise.race([closed, new Promise((r) => setTimeout(() => r({ code: 'still open' }), 500))]);
    codes.push((info as any).code);
    await session.close();
  }
  t.same(codes, Array(20).fill('BAD_PDU'));
});

t.test('a socket that cannot drain stops accepting requests until it drains', async (t) => {
  const { smsc, session } = await bound(t, {}, { windowSize: 1000, responseTimeoutMs: 10_000, writeHighWaterBytes: 64 * 1024 });
  const conn = smsc.conns[0]!;
  conn.socket.pause(); // the SMSC stops reading: kernel buffers fill, then ours
  const { refused, written } = await writeUntilRefused(session, 32 * 1024, 600);
  t.same(refused, { kind: 'not-written', code: 'WINDOW_FULL' }, `refused after ${written} written`);
  t.equal(session.windowFree, 0);
  conn.socket.resume();
  await smsc.waitFor(() => session.windowFree > 0);
  const after = await session.request(CommandId.submit_sm, body);
  t.match(after, { kind: 'response', status: 0 }, 'accepting and answered again after drain');
});

/** Counts the socket's calls into the stream's write hooks: one `_writev` per corked batch, one `_write` per lone write. */
function countWrites(session: SmppSession): { writev: number[]; write: number } {
  const sock = (session as unknown as { socket: any }).socket;
  const seen = { writev: [] as number[], write: 0 };
  const writev = sock._writev.bind(sock);
  const write = sock._write.bind(sock);
  sock._writev = (chunks: unknown[], cb: () => void) => { seen.writev.push(chunks.length); return writev(chunks, cb); };
  sock._write = (chunk: unknown, enc: string, cb: () => void) => { seen.write++; return write(chunk, enc, cb); };
  return seen;
}

t.test('a batch of requests leaves the socket in one write, not one write per PDU', async (t) => {
  const { smsc, session } = await bound(t);
  const writes = countWrites(session);
  const outs = session.requestMany(Array.from({ length: 8 }, () => ({ commandId: CommandId.submit_sm, body })));
  t.same(writes, { writev: [8], write: 0 }, 'one writev carrying the 8 PDUs');
  await Promise.all(outs);
  t.equal(smsc.commands('submit_sm').length, 8);
});

t.test('answers to deliveries that arrive together leave in one write once the turn is done', async (t) => {
  const { smsc, session } = await bound(t);
  session.on('deliver', (req: InboundRequest) => req.respond(0));
  const writes = countWrites(session);
  const conn = smsc.conns[0]!;
  // Five deliver_sm in one TCP write, so the session reads them in one chunk and answers each at once.
  conn.socket.write(Buffer.concat(Array.from({ length: 5 }, (_, i) =>
    new smpp.PDU('deliver_sm', { sequence_number: 900 + i, source_addr: '8613912345678', short_message: `m${i}` }).toBuffer())));
  await smsc.waitFor(() => smsc.commands('deliver_sm_resp').length === 5);
  t.same(writes, { writev: [5], write: 0 }, 'the five deliver_sm_resp in one writev');
});
