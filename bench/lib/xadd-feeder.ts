/**
 * The end-to-end bench's upstream app: XADDs pre-encoded as RESP before the clock starts and written
 * to a socket of their own, replies only counted. Through an ioredis pipeline the bench's own process
 * took 0.5–1.4 of the machine's 2 cores for the first second of a 4-second run (per-process /proc
 * samples), CPU that smppd and Redis then lacked; Kannel's feeder, mtbatch, is a small C program.
 */
import { connect, type Socket } from 'node:net';
import { encodeCommand, respHead } from '../../src/store/resp.js';

/** `XADD stream * job <payload>` for each payload, as RESP (the daemon's encoder), `chunk` commands per buffer. */
export function encodeXadds(stream: string, payloads: string[], chunk = 2000): Buffer[] {
  const head = respHead(['XADD', stream, '*', 'job']);
  const out: Buffer[] = [];
  for (let i = 0; i < payloads.length; i += chunk) {
    out.push(Buffer.concat(payloads.slice(i, i + chunk).map((p) => encodeCommand(head, [p]))));
  }
  return out;
}

/** Counts RESP bulk-string replies across reads; an error reply (`-…`) is thrown with its text. */
export class ReplyCounter {
  count = 0;
  private rest: Buffer = Buffer.alloc(0);

  push(data: Buffer): void {
    const buf = this.rest.length > 0 ? Buffer.concat([this.rest, data]) : data;
    let at = 0;
    for (;;) {
      const eol = buf.indexOf('\r\n', at);
      if (eol < 0) break;
      const kind = buf[at];
      if (kind === 0x2d) throw new Error(`redis: ${buf.toString('utf8', at + 1, eol)}`); // '-'
      if (kind !== 0x24) throw new Error(`redis: unexpected reply ${JSON.stringify(buf.toString('utf8', at, eol))}`); // '$'
      const len = Number(buf.toString('latin1', at + 1, eol));
      const end = eol + 2 + Math.max(len, 0) + (len >= 0 ? 2 : 0);
      if (end > buf.length) break;
      this.count++;
      at = end;
    }
    this.rest = buf.subarray(at);
  }
}

export interface Feeder { write(buffers: Buffer[], replies: number): Promise<void>; close(): void }

/** A connection to Redis at `url` (redis://host:port) that writes pre-encoded commands. */
export async function openFeeder(url: string): Promise<Feeder> {
  const { hostname, port } = new URL(url);
  const sock: Socket = connect(Number(port || 6379), hostname);
  sock.setNoDelay(true);
  await new Promise<void>((res, rej) => { sock.once('connect', res); sock.once('error', rej); });
  return {
    write: (buffers, replies) => new Promise<void>((res, rej) => {
      const counter = new ReplyCounter();
      const onData = (d: Buffer): void => {
        try { counter.push(d); } catch (e) { done(e); return; }
        if (counter.count >= replies) done();
      };
      const done = (e?: unknown): void => {
        sock.off('data', onData); sock.off('error', done);
        if (e) rej(e); else res();
      };
      sock.on('data', onData);
      sock.on('error', done);
      for (const b of buffers) sock.write(b);
    }),
    close: () => { sock.destroy(); },
  };
}
