/**
 * An SMSC's TLS end, as smppd meets one: a TLS listener on 127.0.0.1 with the fixture certificate
 * (test/fixtures/tls) that carries each connection to a plain SMPP listener in clear. `options` add to
 * the server's (e.g. requestCert, to ask for a client certificate). `upstream` is read per connection,
 * so the end may be listening before the listener behind it has a port.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { readFileSync } from 'node:fs';

export const tlsFixture = (f: string): string => readFileSync(new URL(`../fixtures/tls/${f}`, import.meta.url), 'utf8');
export const tlsFixturePath = (f: string): string => new URL(`../fixtures/tls/${f}`, import.meta.url).pathname;

export interface TlsFront {
  port: number;
  /** The TLS side of each accepted connection, in order (to pause or resume it). */
  ends: tls.TLSSocket[];
  /** The CN of the client certificate each accepted connection showed ('' for none), taken at the handshake. */
  peers: string[];
}

export async function startTlsFront(t: { teardown(fn: () => unknown): void }, upstream: () => number, options: tls.TlsOptions = {}): Promise<TlsFront> {
  const ends: tls.TLSSocket[] = [];
  const peers: string[] = [];
  const server = tls.createServer({ key: tlsFixture('smsc-key.pem'), cert: tlsFixture('smsc-cert.pem'), ...options }, (clear) => {
    ends.push(clear);
    peers.push(String(clear.getPeerCertificate().subject?.CN ?? ''));
    const up = net.connect(upstream(), '127.0.0.1');
    clear.pipe(up).pipe(clear);
    clear.on('error', () => up.destroy());
    up.on('error', () => clear.destroy());
  });
  server.on('tlsClientError', () => {}); // handshakes the tests refuse on purpose
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as net.AddressInfo).port, ends, peers };
}
