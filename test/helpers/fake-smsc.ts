/**
 * A tiny SMSC peer for tests: net.createServer + the `smpp` PDU codec, with hooks for the behaviours
 * tests need (refused binds, throttling, silence, garbage). Test-only; listens on 127.0.0.1, port 0.
 */
import * as net from 'node:net';
import smpp, { type PDU } from 'smpp';
import { onFrames } from './frames.js';
import { until } from './until.js';

export type SubmitReply = { status?: number; delayMs?: number; drop?: boolean };

export interface FakeSmscOptions {
  /** command_status for the n-th bind (0-based) across all connections. */
  bindStatus?: (attempt: number) => number;
  onSubmit?: (pdu: PDU, conn: FakeConn) => SubmitReply;
  answerEnquireLink?: boolean;
}

export interface Received {
  atMs: number;
  conn: number;
  pdu: PDU;
  raw: Buffer;
}

export class FakeConn {
  private seq = 0x10000;
  private readonly waiting = new Map<number, (pdu: PDU) => void>();
  constructor(readonly id: number, readonly socket: net.Socket) {}

  write(buf: Buffer | PDU): void {
    if (!this.socket.writable) return;
    this.socket.write(Buffer.isBuffer(buf) ? buf : buf.toBuffer());
  }

  /** Sends a request to the client and resolves with its response (or null after timeoutMs). */
  request(command: string, fields: Record<string, any> = {}, timeoutMs = 1000): Promise<PDU | null> {
    const seq = ++this.seq;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(seq);
        resolve(null);
      }, timeoutMs);
      this.waiting.set(seq, (pdu) => {
        clearTimeout(timer);
        resolve(pdu);
      });
      this.write(new smpp.PDU(command, { ...fields, sequence_number: seq }));
    });
  }

  /** Returns true when the PDU answered one of our requests. */
  settle(pdu: PDU): boolean {
    const cb = this.waiting.get(pdu.sequence_number);
    if (cb === undefined || !pdu.isResponse()) return false;
    this.waiting.delete(pdu.sequence_number);
    cb(pdu);
    return true;
  }
}

export class FakeSmsc {
  readonly received: Received[] = [];
  readonly conns: FakeConn[] = [];
  bindAttempts = 0;
  private readonly server: net.Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  port = 0;

  private constructor(private readonly opts: FakeSmscOptions) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  static async start(opts: FakeSmscOptions = {}): Promise<FakeSmsc> {
    const smsc = new FakeSmsc(opts);
    await new Promise<void>((resolve) => smsc.server.listen(0, '127.0.0.1', resolve));
    smsc.port = (smsc.server.address() as net.AddressInfo).port;
    return smsc;
  }

  /** Received PDUs of one command. */
  commands(command: string): Received[] {
    return this.received.filter((r) => r.pdu.command === command);
  }

  liveConns(): FakeConn[] {
    return this.conns.filter((c) => !c.socket.destroyed);
  }

  /** A generous bound: a loaded machine may take seconds for what takes milliseconds here. */
  async waitFor(pred: () => boolean, timeoutMs = 15_000): Promise<void> {
    await until('fake SMSC: condition', pred, timeoutMs);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const c of this.conns) c.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const conn = new FakeConn(this.conns.length, socket);
    this.conns.push(conn);
    socket.setNoDelay(true);
    socket.on('error', () => {});
    onFrames(socket, 16, (raw) => this.handle(conn, raw));
  }

  private handle(conn: FakeConn, raw: Buffer): void {
    const pdu = new smpp.PDU(Buffer.from(raw));
    this.received.push({ atMs: performance.now(), conn: conn.id, pdu, raw: Buffer.from(raw) });
    if (conn.settle(pdu)) return;
    if (pdu.command.startsWith('bind_')) {
      const status = this.opts.bindStatus?.(this.bindAttempts++) ?? 0;
      conn.write(pdu.response({ command_status: status, system_id: 'FAKE' }));
    } else if (pdu.command === 'enquire_link') {
      if (this.opts.answerEnquireLink !== false) conn.write(pdu.response());
    } else if (pdu.command === 'unbind') {
      conn.write(pdu.response());
      conn.socket.end();
    } else if (pdu.command === 'submit_sm') {
      const reply = this.opts.onSubmit?.(pdu, conn) ?? {};
      if (reply.drop) return;
      const resp = pdu.response({ command_status: reply.status ?? 0, message_id: `m${pdu.sequence_number}` });
      if (!reply.delayMs) return conn.write(resp);
      const t = setTimeout(() => {
        this.timers.delete(t);
        conn.write(resp);
      }, reply.delayMs);
      this.timers.add(t);
    }
  }
}
