/** Opens the socket of one session: plain TCP or TLS, with the write bound backpressure relies on. */
import * as net from 'node:net';
import * as tls from 'node:tls';

export interface DialOptions {
  host: string;
  port: number;
  tls?: boolean;
  /** PEM CAs for the peer's certificate; absent: the system's CAs. */
  tlsCa?: string;
  /** PEM certificate chain and private key shown when the peer asks for a client certificate. */
  tlsCert?: string;
  tlsKey?: string;
}

/** The socket, and the event that says it is ready for the login. */
export function dial(o: DialOptions, highWaterBytes: number): { socket: net.Socket; readyEvent: string } {
  const { host, port } = o;
  // write() returns false once this many bytes wait in user space, and 'drain' is then guaranteed.
  // (Node honours writableHighWaterMark here; @types/node 20 does not list it.)
  const tcpOpts = { host, port, writableHighWaterMark: highWaterBytes } as net.NetConnectOpts;
  // SNI carries host names only (RFC 6066 §3): for an address, none is sent and the certificate is
  // checked against the address itself.
  const sni = net.isIP(host) === 0 ? { servername: host } : {};
  // highWaterMark: the same bound for TLS (TLSSocket takes it for both directions; 16 KB otherwise;
  // @types/node 20 does not list it either).
  const tlsOpts: tls.ConnectionOptions & { highWaterMark: number } = {
    host, port, ca: o.tlsCa, cert: o.tlsCert, key: o.tlsKey, highWaterMark: highWaterBytes, ...sni,
  };
  const socket = o.tls ? tls.connect(tlsOpts) : net.connect(tcpOpts);
  socket.setNoDelay(true);
  return { socket, readyEvent: o.tls ? 'secureConnect' : 'connect' };
}
