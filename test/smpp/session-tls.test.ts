import t from 'tap';
import type * as tls from 'node:tls';
import { FakeSmsc } from '../helpers/fake-smsc.js';
import { SmppSession, type SessionOptions } from '../../src/smpp/session.js';
import { CommandId } from '../../src/smpp/pdu-header.js';
import { encodeBody } from '../../src/smpp/pdu-codec.js';
import { SmppdError } from '../../src/errors.js';
import { writeUntilRefused } from '../helpers/backpressure.js';
import { startTlsFront, tlsFixture as fixture, type TlsFront } from '../helpers/tls-front.js';

const CERT = fixture('smsc-cert.pem');
const body = encodeBody('submit_sm', { destination_addr: '8613912345678', short_message: 'hi' });

/** The fake SMSC behind a TLS end (`server_`: more options for the end, e.g. to ask for a client certificate). */
async function tlsSmsc(t: any, server_: tls.TlsOptions = {}): Promise<{ smsc: FakeSmsc } & TlsFront> {
  const smsc = await FakeSmsc.start();
  t.teardown(() => smsc.close());
  return { smsc, ...(await startTlsFront(t, () => smsc.port, server_)) };
}

function options(port: number, over: Partial<SessionOptions>): SessionOptions {
  return {
    host: '127.0.0.1', port, tls: true, systemId: 'esme', password: 'secret-pw', bindType: 'transceiver',
    windowSize: 10, responseTimeoutMs: 1000, enquireLinkMs: 5000, bindTimeoutMs: 2000, ...over,
  };
}

t.test('over TLS, with the CA from tlsCa, the session binds and a submit_sm gets its answer through the encrypted link', async (t) => {
  const { smsc, port, ends } = await tlsSmsc(t);
  const session = new SmppSession(options(port, { tlsCa: CERT }));
  t.teardown(() => session.close());
  await session.open();
  t.equal(session.status, 'bound');
  t.equal(ends.length, 1, 'one TLS handshake');
  const out = await session.request(CommandId.submit_sm, body);
  t.equal(out.kind, 'response');
  t.equal(out.kind === 'response' ? out.status : -1, 0);
  t.equal(smsc.commands('bind_transceiver')[0]!.pdu.system_id, 'esme', 'the bind reached the SMSC in clear behind the TLS end');
  t.equal(smsc.commands('submit_sm').length, 1);
});

t.test('an SMSC certificate the system\'s CAs do not vouch for fails open() with CONNECTION_CLOSED and the TLS reason', async (t) => {
  const { smsc, port } = await tlsSmsc(t);
  const session = new SmppSession(options(port, {}));
  t.teardown(() => session.close());
  const err = await session.open().then(() => null, (e: unknown) => e);
  t.ok(err instanceof SmppdError);
  t.equal((err as SmppdError).code, 'CONNECTION_CLOSED');
  t.match((err as Error).message, /self[- ]signed certificate/);
  t.equal(session.status, 'closed');
  t.equal(smsc.commands('bind_transceiver').length, 0, 'no bind, so no password, went to an SMSC that was not verified');
});

t.test('a CA that does not vouch for the SMSC\'s certificate is refused the same way', async (t) => {
  const { smsc, port } = await tlsSmsc(t);
  const session = new SmppSession(options(port, { tlsCa: fixture('other-cert.pem') }));
  t.teardown(() => session.close());
  await t.rejects(session.open(), { code: 'CONNECTION_CLOSED' });
  t.equal(smsc.commands('bind_transceiver').length, 0);
});

t.test('over TLS too, a link that cannot drain stops taking requests at writeHighWaterBytes, then takes them again', async (t) => {
  const { smsc, port, ends } = await tlsSmsc(t);
  const session = new SmppSession(options(port, {
    tlsCa: CERT, windowSize: 1000, responseTimeoutMs: 5000, writeHighWaterBytes: 256 * 1024,
  }));
  t.teardown(() => session.close());
  await session.open();
  // The socket takes the session's bound, not TLS's default of 16 KB.
  t.equal((session as unknown as { socket: tls.TLSSocket }).socket.writableHighWaterMark, 256 * 1024);
  ends[0]!.pause(); // the TLS end stops reading: kernel buffers fill, then the session's
  const { refused, written } = await writeUntilRefused(session, 32 * 1024, 1000);
  t.same(refused, { kind: 'not-written', code: 'WINDOW_FULL' }, `refused after ${written} written`);
  ends[0]!.resume();
  await smsc.waitFor(() => session.windowFree > 0, 5000);
  t.match(await session.request(CommandId.submit_sm, body), { kind: 'response', status: 0 }, 'answered again after the link drained');
});

/** An SMSC that binds only ESMEs showing a certificate its CA (the fixture's self-signed esme-cert) vouches for. */
const MUTUAL: tls.TlsOptions = { requestCert: true, rejectUnauthorized: true, ca: fixture('esme-cert.pem') };

t.test('an SMSC that asks for a client certificate binds a session that shows one from tlsCert and tlsKey', async (t) => {
  const { smsc, port, peers } = await tlsSmsc(t, MUTUAL);
  const session = new SmppSession(options(port, { tlsCa: CERT, tlsCert: fixture('esme-cert.pem'), tlsKey: fixture('esme-key.pem') }));
  t.teardown(() => session.close());
  await session.open();
  t.equal(session.status, 'bound');
  t.same(peers, ['esme'], 'the SMSC saw the client certificate');
  t.match(await session.request(CommandId.submit_sm, body), { kind: 'response', status: 0 });
  t.equal(smsc.commands('submit_sm').length, 1);
});

t.test('without a client certificate, an SMSC that requires one ends the handshake: open() fails and no bind is sent', async (t) => {
  const { smsc, port } = await tlsSmsc(t, MUTUAL);
  const session = new SmppSession(options(port, { tlsCa: CERT }));
  t.teardown(() => session.close());
  await t.rejects(session.open(), { code: 'CONNECTION_CLOSED' });
  t.equal(session.status, 'closed');
  t.equal(smsc.commands('bind_transceiver').length, 0, 'no password went out');
});
