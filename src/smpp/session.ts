/**
 * One SMPP 3.4 connection lifetime: connect, bind, exchange PDUs, unbind, close. A reconnect is a new
 * SmppSession (reusing a socket object across connects misframes the stream). The window, framing,
 * timeouts and keep-alive are ours; `smpp` is used only as a PDU codec.
 */
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import pino, { type Logger } from 'pino';
import { SmppdError, type ErrorCode } from '../errors.js';
import { Framer, DEFAULT_MAX_PDU_BYTES } from './framer.js';
import { allowPduBytes, decodePdu, encodePdu, type DecodedPdu } from './pdu-codec.js';
import { isDelivery, serveDeliver, serveRequest, type InboundPeer } from './inbound.js';
import { CommandId, Status, frame, hex32, isResponseId } from './pdu-header.js';
import { judgeAnswer } from './answer.js';
import { InFlightWindow, type WindowEntry } from './window.js';
import type { InboundRequest, RequestItem, RequestOutcome } from './outcome.js';

export type { InboundRequest, RequestItem, RequestOutcome } from './outcome.js';

export type SessionStatus = 'idle' | 'connecting' | 'binding' | 'bound' | 'unbinding' | 'closed';

export interface SessionOptions {
  host: string;
  port: number;
  tls?: boolean;
  /** PEM CAs for the SMSC's certificate; absent: the system's CAs. */
  tlsCa?: string;
  /** PEM certificate chain and private key shown when the SMSC asks for a client certificate. */
  tlsCert?: string;
  tlsKey?: string;
  systemId: string;
  password: string;
  systemType?: string;
  bindType: 'transceiver' | 'transmitter' | 'receiver';
  windowSize: number;
  responseTimeoutMs: number;
  enquireLinkMs: number;
  bindTimeoutMs: number;
  maxPduBytes?: number;
  /** Once a frame has begun, the rest must arrive within this; default responseTimeoutMs. */
  frameTimeoutMs?: number;
  /** This many requests in a row unanswered (timed out, or accepted without a message_id) close the session; 0: never. */
  dropAfterTimeouts?: number;
  /** Above this many bytes queued in user space, requests are refused until 'drain' (plain TCP). */
  writeHighWaterBytes?: number;
  name?: string;
  logger?: Logger;
}

export interface SessionCloseInfo {
  reason: string;
  code?: ErrorCode;
}

/** SMPP 3.4 interface_version (§5.2.4); the package would send 0x50 otherwise. */
export const INTERFACE_VERSION = 0x34;
const DEFAULT_WRITE_HIGH_WATER_BYTES = 256 * 1024;
const LATE_SEQS_KEPT = 4096;
const EMPTY = new Uint8Array(0);

const notWritten = (code: ErrorCode): Promise<RequestOutcome> => Promise.resolve({ kind: 'not-written', code });

export class SmppSession extends EventEmitter {
  readonly name: string;
  private readonly opts: SessionOptions;
  private readonly log: Logger;
  private readonly framer: Framer;
  private readonly window: InFlightWindow;
  private readonly highWaterBytes: number;
  private _status: SessionStatus = 'idle';
  private socket: net.Socket | null = null;
  private blocked = false; // write backpressure
  private rawCorked = false; // writeRaw corked the socket until the next turn of the event loop
  private bindSeq = 0;
  private bindTimer: NodeJS.Timeout | null = null;
  private enquireTimer: NodeJS.Timeout | null = null;
  private drainTimer: NodeJS.Timeout | null = null;
  private frameTimer: NodeJS.Timeout | null = null;
  private lastRxAtMs = 0;
  private unprovenStreak = 0; // requests in a row without an answer that proves anything
  private openPromise: Promise<void> | null = null;
  private openSettle: { resolve(): void; reject(err: Error): void } | null = null;
  private closeInfo: SessionCloseInfo | null = null;
  private socketError: Error | null = null;
  private readonly lateSeqs = new Set<number>(); // timed out: a late answer is not a protocol error
  private readonly closed: Promise<void>;
  private resolveClosed!: () => void;
  private readonly peer: InboundPeer = {
    write: (buf) => this.writeRaw(buf),
    unbound: () => this.terminate('unbind by SMSC', undefined, true),
    deliver: (req) => this.listenerCount('deliver') > 0 && (this.emit('deliver', req), true),
    fail: (reason) => this.badPdu(reason),
    warn: (fields, msg) => this.log.warn(fields, msg),
  };

  constructor(opts: SessionOptions) {
    super();
    this.opts = opts;
    this.name = opts.name ?? `${opts.systemId}@${opts.host}:${opts.port}`;
    this.log = (opts.logger ?? pino({ level: 'silent' })).child({ session: this.name, bindType: opts.bindType });
    const maxPduBytes = opts.maxPduBytes ?? DEFAULT_MAX_PDU_BYTES;
    allowPduBytes(maxPduBytes);
    this.framer = new Framer(maxPduBytes);
    this.window = new InFlightWindow(opts.responseTimeoutMs, (e) => this.onTimeout(e));
    this.highWaterBytes = opts.writeHighWaterBytes ?? DEFAULT_WRITE_HIGH_WATER_BYTES;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  get status(): SessionStatus {
    return this._status;
  }
  get inFlight(): number {
    return this.window.size;
  }
  /** Requests that could be written now (0 unless bound, not backpressured, window not full). */
  get windowFree(): number {
    if (this._status !== 'bound' || this.blocked) return 0;
    return Math.max(0, this.opts.windowSize - this.window.size);
  }
  get canTransmit(): boolean {
    return this.opts.bindType !== 'receiver';
  }

  /** Connects and binds. Rejects with SmppdError (BIND_FAILED, RESPONSE_TIMEOUT, CONNECTION_CLOSED). */
  open(): Promise<void> {
    if (this.openPromise !== null) return this.openPromise;
    this.openPromise = new Promise<void>((resolve, reject) => {
      this.openSettle = { resolve, reject };
    });
    if (this._status !== 'idle') {
      this.settleOpen(new SmppdError('CONNECTION_CLOSED', 'session already closed'));
      return this.openPromise;
    }
    this.setStatus('connecting');
    const { host, port } = this.opts;
    // write() returns false once this many bytes wait in user space, and 'drain' is then guaranteed.
    // (Node honours writableHighWaterMark here; @types/node 20 does not list it.)
    const tcpOpts = { host, port, writableHighWaterMark: this.highWaterBytes } as net.NetConnectOpts;
    // SNI carries host names only (RFC 6066 §3): for an address, none is sent and the certificate is
    // checked against the address itself.
    const sni = net.isIP(host) === 0 ? { servername: host } : {};
    // highWaterMark: the same bound for TLS (TLSSocket takes it for both directions; 16 KB otherwise;
    // @types/node 20 does not list it either).
    const tlsOpts: tls.ConnectionOptions & { highWaterMark: number } = {
      host, port, ca: this.opts.tlsCa, cert: this.opts.tlsCert, key: this.opts.tlsKey, highWaterMark: this.highWaterBytes, ...sni,
    };
    const sock = this.opts.tls ? tls.connect(tlsOpts) : net.connect(tcpOpts);
    this.socket = sock;
    sock.setNoDelay(true);
    sock.once(this.opts.tls ? 'secureConnect' : 'connect', () => this.onConnected());
    sock.on('data', (chunk: Buffer) => this.onData(chunk));
    sock.on('drain', () => this.onDrain());
    sock.on('error', (err) => {
      this.socketError = err;
      this.log.warn({ err: err.message }, 'socket error');
    });
    sock.on('close', () => this.finalize());
    // One bound for connect + bind together, so a silent SMSC cannot hold open() forever.
    this.bindTimer = setTimeout(() => this.terminate(`no bind response within ${this.opts.bindTimeoutMs} ms`, 'RESPONSE_TIMEOUT'), this.opts.bindTimeoutMs);
    return this.openPromise;
  }

  /** Writes pre-encoded request bodies as one corked batch. One promise per item; none rejects. */
  requestMany(items: RequestItem[]): Promise<RequestOutcome>[] {
    const sock = this.socket;
    if (this._status !== 'bound' || sock === null) return items.map(() => notWritten('NOT_BOUND'));
    if (!sock.writable) return items.map(() => notWritten('CONNECTION_CLOSED'));
    const out: Promise<RequestOutcome>[] = new Array(items.length);
    let corked = false;
    for (let i = 0; i < items.length; i++) {
      if (this.blocked || this.window.size >= this.opts.windowSize) {
        out[i] = notWritten('WINDOW_FULL');
        continue;
      }
      if (!corked) {
        sock.cork();
        corked = true;
      }
      const item = items[i]!;
      out[i] = this.write(item.commandId, item.body);
    }
    if (corked) sock.uncork();
    return out;
  }

  request(commandId: number, body: Uint8Array): Promise<RequestOutcome> {
    return this.requestMany([{ commandId, body }])[0]!;
  }

  /**
   * Idempotent. Bound: unbind, wait for the window (in-flight + unbind_resp) up to responseTimeoutMs,
   * then end the socket. Otherwise the socket is destroyed. Every pending request resolves.
   */
  close(reason = 'closed by caller'): Promise<void> {
    if (this._status === 'bound') {
      this.closeInfo ??= { reason };
      this.setStatus('unbinding');
      void this.write(CommandId.unbind, EMPTY);
      this.drainTimer = setTimeout(() => this.terminate('unbind drain timed out'), this.opts.responseTimeoutMs);
      this.endIfDrained();
    } else if (this._status !== 'unbinding') {
      this.terminate(reason);
    }
    return this.closed;
  }

  // ---- internals -------------------------------------------------------------------------------

  /** The only place the status changes. */
  private setStatus(to: SessionStatus): void {
    const from = this._status;
    if (from === to) return;
    this._status = to;
    this.log.info({ from, to }, `session ${from} -> ${to}`);
    this.safeEmit('status', from, to);
  }

  private write(commandId: number, body: Uint8Array): Promise<RequestOutcome> {
    const seq = this.window.nextSeq();
    const outcome = this.window.add(seq, commandId);
    const sock = this.socket!;
    // Bytes handed to write() count as written: from here on the outcome is a response or no-answer.
    if (!sock.write(frame(commandId, seq, body))) this.blocked = true;
    return outcome;
  }

  /**
   * Responses and session PDUs. Corked until this turn of the event loop is done: the answers to a burst of
   * receipts are resolved together (one Redis write per batch) and leave in one writev instead of one
   * write each, which was 8 % of the daemon's CPU with receipts (a V8 profile, docs/BENCHMARKS.md).
   */
  private writeRaw(buf: Buffer): void {
    const sock = this.socket;
    if (sock === null || !sock.writable) return;
    if (!this.rawCorked) {
      this.rawCorked = true;
      sock.cork();
      setImmediate(() => { this.rawCorked = false; sock.uncork(); });
    }
    sock.write(buf);
  }

  private onConnected(): void {
    if (this._status !== 'connecting') return;
    this.setStatus('binding');
    this.lastRxAtMs = performance.now();
    this.bindSeq = this.window.nextSeq();
    const { systemId, password, systemType, bindType } = this.opts;
    this.writeRaw(
      encodePdu(`bind_${bindType}`, this.bindSeq, {
        system_id: systemId,
        password,
        system_type: systemType ?? '',
        interface_version: INTERFACE_VERSION,
      }),
    );
    this.log.debug({ systemId, seq: this.bindSeq }, 'bind sent');
  }

  private onData(chunk: Buffer): void {
    this.lastRxAtMs = performance.now();
    const framesBefore = this.framer.framesCut;
    const failure = this.framer.push(chunk, (f) => this.onFrame(f));
    if (failure !== null) this.badPdu(failure);
    else this.watchPartialFrame(this.framer.framesCut !== framesBefore);
  }

  /**
   * A frame that has begun must end within frameTimeoutMs. Every byte counts as traffic (no enquire_link
   * is sent), so a peer that trickles a frame byte by byte would otherwise keep the bind "bound" while
   * nothing it owes us ever arrives. `newFrame`: frames ended in this chunk, so what is held began anew.
   */
  private watchPartialFrame(newFrame: boolean): void {
    if (this.framer.bufferedBytes === 0 || this._status === 'closed') {
      this.clearFrameTimer();
      return;
    }
    if (this.frameTimer !== null && !newFrame) return;
    this.clearFrameTimer();
    const limitMs = this.opts.frameTimeoutMs ?? this.opts.responseTimeoutMs;
    this.frameTimer = setTimeout(() => {
      this.frameTimer = null;
      this.badPdu(`partial frame: ${this.framer.bufferedBytes} bytes held, the rest not within ${limitMs} ms`);
    }, limitMs);
  }

  private clearFrameTimer(): void {
    if (this.frameTimer !== null) clearTimeout(this.frameTimer);
    this.frameTimer = null;
  }

  private onFrame(buf: Buffer): void {
    if (this._status === 'closed') return;
    if (isDelivery(buf.readUInt32BE(4))) {
      serveDeliver(buf, this.peer);
      return;
    }
    const decoded = decodePdu(buf);
    if (!decoded.ok) {
      this.badPdu(decoded.reason);
      return;
    }
    const pdu = decoded.pdu;
    if (isResponseId(pdu.command_id)) this.onResponse(pdu);
    else serveRequest(pdu, this.peer);
  }

  private onResponse(pdu: DecodedPdu): void {
    const seq = pdu.sequence_number;
    if (this._status === 'binding' && seq === this.bindSeq) {
      this.onBindResponse(pdu);
      return;
    }
    const entry = this.window.take(seq);
    if (entry === undefined) {
      if (this.lateSeqs.delete(seq)) {
        this.log.warn({ seq, status: hex32(pdu.command_status) }, 'response after its timeout');
        this.safeEmit('late-response', { seq, status: pdu.command_status, pdu });
        return;
      }
      this.badPdu(`${pdu.command} for unknown sequence number ${seq}`);
      return;
    }
    const verdict = judgeAnswer(pdu, entry.commandId);
    if (verdict.kind === 'mismatch') {
      // Nothing more this SMSC says on this session can be trusted; the request may have been taken.
      entry.resolve({ kind: 'no-answer', code: 'BAD_PDU' });
      this.badPdu(`${verdict.why} under sequence number ${seq}`);
      return;
    }
    if (verdict.kind === 'unproven') {
      // It may be on its way, so it is not sent again; without an id no receipt can end it either.
      this.log.warn({ seq }, `${verdict.why}: outcome unknown`);
      entry.resolve({ kind: 'no-answer', code: 'NO_MESSAGE_ID' });
      if (!this.countUnproven()) return;
    } else {
      this.unprovenStreak = 0;
      entry.resolve({ kind: 'response', status: verdict.status, pdu, latencyMs: performance.now() - entry.sentAtMs });
    }
    this.safeEmit('free');
    if (this._status === 'unbinding') this.endIfDrained();
  }

  private onBindResponse(pdu: DecodedPdu): void {
    if (this.bindTimer !== null) clearTimeout(this.bindTimer);
    this.bindTimer = null;
    if (pdu.command_status !== Status.ESME_ROK || pdu.command !== `bind_${this.opts.bindType}_resp`) {
      const why = `${pdu.command} status ${hex32(pdu.command_status)}`;
      this.terminate(`bind refused: ${why}`, 'BIND_FAILED');
      return;
    }
    this.setStatus('bound');
    this.armEnquire(this.opts.enquireLinkMs);
    this.settleOpen(null);
  }

  private onTimeout(entry: WindowEntry): void {
    this.lateSeqs.add(entry.seq);
    if (this.lateSeqs.size > LATE_SEQS_KEPT) this.lateSeqs.delete(this.lateSeqs.values().next().value!);
    entry.resolve({ kind: 'no-answer', code: 'RESPONSE_TIMEOUT' });
    if (entry.commandId === CommandId.enquire_link) {
      this.terminate('dead link: no enquire_link_resp', 'RESPONSE_TIMEOUT');
      return;
    }
    if (!this.countUnproven()) return;
    this.safeEmit('free');
    if (this._status === 'unbinding') this.endIfDrained();
  }

  /**
   * One more request in a row without a proving answer. A bind whose SMSC has stopped answering would
   * otherwise stay "bound" (enquire_link is not sent while requests flow) and turn every job it is given
   * into `unknown`; closing it makes it reconnect and shows it down meanwhile. False: the session closes.
   */
  private countUnproven(): boolean {
    this.unprovenStreak++;
    const limit = this.opts.dropAfterTimeouts ?? 0;
    if (limit === 0 || this.unprovenStreak < limit || this._status !== 'bound') return true;
    this.terminate(`${this.unprovenStreak} requests in a row unanswered`, 'RESPONSE_TIMEOUT');
    return false;
  }

  private onDrain(): void {
    if (!this.blocked) return;
    this.blocked = false;
    this.safeEmit('free');
  }

  /** Sends enquire_link after enquireLinkMs without any inbound byte. */
  private armEnquire(delayMs: number): void {
    this.enquireTimer = setTimeout(() => {
      this.enquireTimer = null;
      if (this._status !== 'bound') return;
      const idleMs = performance.now() - this.lastRxAtMs;
      if (idleMs >= this.opts.enquireLinkMs) {
        void this.write(CommandId.enquire_link, EMPTY);
        this.armEnquire(this.opts.enquireLinkMs);
      } else {
        this.armEnquire(this.opts.enquireLinkMs - idleMs);
      }
    }, Math.max(1, delayMs));
  }

  private endIfDrained(): void {
    if (this.window.size > 0 || this.socket === null) return;
    const sock = this.socket;
    sock.end(() => sock.destroy());
  }

  private badPdu(reason: string): void {
    if (this._status === 'closed') return;
    this.log.warn({ reason }, 'bad PDU from SMSC, closing');
    this.safeEmit('bad-pdu', { reason });
    this.terminate(reason, 'BAD_PDU');
  }

  /** Stops the connection now (gracefully = end after flushing what is queued, e.g. unbind_resp). */
  private terminate(reason: string, code?: ErrorCode, gracefully = false): void {
    if (this._status === 'closed') return;
    this.closeInfo ??= code === undefined ? { reason } : { reason, code };
    this.framer.stop();
    if (this.socket === null) {
      this.finalize();
    } else if (gracefully) {
      if (this._status === 'bound') this.setStatus('unbinding');
      const sock = this.socket;
      sock.end(() => sock.destroy());
    } else {
      this.socket.destroy();
    }
  }

  /** Runs once: the socket is gone (or never existed). Hands every pending request back. */
  private finalize(): void {
    if (this._status === 'closed') return;
    for (const t of [this.bindTimer, this.enquireTimer, this.drainTimer, this.frameTimer]) if (t !== null) clearTimeout(t);
    this.bindTimer = this.enquireTimer = this.drainTimer = this.frameTimer = null;
    this.framer.stop();
    const info = this.closeInfo ?? {
      reason: this.socketError ? `connection lost: ${this.socketError.message}` : 'connection closed by peer',
      code: 'CONNECTION_CLOSED' as ErrorCode,
    };
    this.closeInfo = info;
    const pending = this.window.drain();
    this.setStatus('closed');
    for (const entry of pending) entry.resolve({ kind: 'no-answer', code: 'CONNECTION_CLOSED' });
    this.settleOpen(new SmppdError(info.code ?? 'CONNECTION_CLOSED', info.reason));
    this.log.info({ reason: info.reason, code: info.code, handedBack: pending.length }, 'session closed');
    this.safeEmit('close', info);
    this.resolveClosed();
  }

  private settleOpen(err: Error | null): void {
    const settle = this.openSettle;
    if (settle === null) return;
    this.openSettle = null;
    if (err === null) settle.resolve();
    else settle.reject(err);
  }

  /** A throwing listener must not wedge the session's state machine. */
  private safeEmit(event: string, ...args: unknown[]): void {
    try {
      this.emit(event, ...args);
    } catch (err) {
      this.log.error({ event, err: (err as Error).message }, 'listener threw');
    }
  }
}
