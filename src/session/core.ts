/**
 * One connection lifetime for any protocol: connect, log in, exchange PDUs, log out, close. A reconnect
 * is a new session (reusing a socket object across connects misframes the stream). Framing, the window,
 * deadlines, keep-alive, backpressure and the status union live here (the frame deadline and the keep-alive
 * clock in frame-reader.ts and keep-alive.ts); the protocol (protocol.ts) supplies its octets. It stays one
 * class of near 400 lines, above the house's size, because the socket, the window and the timers all answer
 * to the one status union: split further, the order of close (timers, reader, window, status, hand-back)
 * would be spread over files that each see half of it.
 */
import { EventEmitter } from 'node:events';
import type * as net from 'node:net';
import type { Logger } from 'pino';
import { SmppdError, type ErrorCode } from '../errors.js';
import { dial, type DialOptions } from './dial.js';
import { FrameReader } from './frame-reader.js';
import { KeepAlive } from './keep-alive.js';
import { InFlightWindow, type OutcomeDone, type WindowEntry } from './window.js';
import type { ProtocolPeer, ProtocolResponse, ResultClass, SessionProtocol } from './protocol.js';
import type { RequestItem, RequestOutcome } from './outcome.js';

/** `binding`: the login exchange (SMPP bind, CMPP_CONNECT); `unbinding`: the logout (unbind, TERMINATE). */
export type SessionStatus = 'idle' | 'connecting' | 'binding' | 'bound' | 'unbinding' | 'closed';

/** What every protocol's session options share with the core, under the same names. */
export interface SharedSessionOptions extends DialOptions {
  windowSize: number;
  responseTimeoutMs: number;
  /** Once a frame has begun, the rest must arrive within this; default responseTimeoutMs. */
  frameTimeoutMs?: number;
  /** This many requests in a row unanswered (timed out, or accepted without a message id) close the session; 0: never. */
  dropAfterTimeouts?: number;
  /** Above this many bytes queued in user space, requests are refused until 'drain'. */
  writeHighWaterBytes?: number;
}

/** What each protocol's session names in its own words (enquire_link / ACTIVE_TEST, bind / CONNECT). */
export interface OwnCoreOptions {
  /** The keep-alive request after this long without an inbound byte; unanswered = dead link. */
  keepAliveMs: number;
  /** One bound for connect + login together. */
  loginTimeoutMs: number;
  name: string;
  logger: Logger;
}

export type CoreOptions = SharedSessionOptions & OwnCoreOptions;

/**
 * The core's options from a protocol session's: only the shared fields are taken, so credentials and
 * protocol settings stay with the protocol module.
 */
export function coreOptions(o: SharedSessionOptions, own: OwnCoreOptions): CoreOptions {
  const { host, port, tls, tlsCa, tlsCert, tlsKey, windowSize, responseTimeoutMs, frameTimeoutMs, dropAfterTimeouts, writeHighWaterBytes } = o;
  return { host, port, tls, tlsCa, tlsCert, tlsKey, windowSize, responseTimeoutMs, frameTimeoutMs, dropAfterTimeouts, writeHighWaterBytes, ...own };
}

export interface SessionCloseInfo {
  reason: string;
  code?: ErrorCode;
}

const DEFAULT_WRITE_HIGH_WATER_BYTES = 256 * 1024;

/** The logout's and the keep-alive's outcome: what they mean is read where their answer or timeout lands. */
const IGNORE_OUTCOME = (): void => undefined;

/** Events: 'status' (from, to), 'free', 'deliver' (InboundRequest), 'late-response', 'bad-pdu', 'close' (SessionCloseInfo). */
export class SessionCore extends EventEmitter {
  readonly name: string;
  private readonly log: Logger;
  private readonly opts: CoreOptions;
  private readonly protocol: SessionProtocol;
  private readonly reader: FrameReader;
  private readonly keepAlive: KeepAlive;
  private readonly window: InFlightWindow;
  private readonly highWaterBytes: number;
  private _status: SessionStatus = 'idle';
  private socket: net.Socket | null = null;
  private blocked = false; // write backpressure
  private rawCorked = false; // writeRaw corked the socket until the next turn of the event loop
  private loginSeq = 0;
  private loginTimer: NodeJS.Timeout | null = null;
  private drainTimer: NodeJS.Timeout | null = null;
  private unprovenStreak = 0; // requests in a row without an answer that proves anything
  private openPromise: Promise<void> | null = null;
  private openSettle: { resolve(): void; reject(err: Error): void } | null = null;
  private closeInfo: SessionCloseInfo | null = null;
  private socketError: Error | null = null;
  private readonly closed: Promise<void>;
  private resolveClosed!: () => void;
  private readonly peer: ProtocolPeer = {
    write: (buf) => this.writeRaw(buf),
    loggedOut: (reason) => this.terminate(reason, undefined, true),
    deliver: (req) => this.listenerCount('deliver') > 0 && (this.emit('deliver', req), true),
    fail: (reason) => this.badPdu(reason),
    warn: (fields, msg) => this.log.warn(fields, msg),
  };

  constructor(opts: CoreOptions, protocol: SessionProtocol) {
    super();
    this.opts = opts;
    this.protocol = protocol;
    this.name = opts.name;
    this.log = opts.logger;
    const frameTimeoutMs = opts.frameTimeoutMs ?? opts.responseTimeoutMs;
    this.reader = new FrameReader(protocol.maxPduBytes, protocol.headerBytes, frameTimeoutMs, (f) => this.onFrame(f), (why) => this.badPdu(why));
    this.keepAlive = new KeepAlive(opts.keepAliveMs, () => this.sendKeepAlive());
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

  /** What a response's status means for the job, in this session's protocol. */
  classify(status: number): ResultClass {
    return this.protocol.classify(status);
  }

  describe(status: number): string {
    return this.protocol.describe(status);
  }

  badDestination(status: number): boolean | undefined {
    return this.protocol.badDestination(status);
  }

  /** Connects and logs in. Rejects with SmppdError (BIND_FAILED, RESPONSE_TIMEOUT, CONNECTION_CLOSED, BAD_PDU). */
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
    const { socket: sock, readyEvent } = dial(this.opts, this.highWaterBytes);
    this.socket = sock;
    sock.once(readyEvent, () => this.onConnected());
    sock.on('data', (chunk: Buffer) => this.onData(chunk));
    sock.on('drain', () => this.onDrain());
    sock.on('error', (err) => {
      this.socketError = err;
      this.log.warn({ err: err.message }, 'socket error');
    });
    sock.on('close', () => this.finalize());
    // One bound for connect + login together, so a silent peer cannot hold open() forever.
    const { loginTimeoutMs } = this.opts;
    const why = `no ${this.protocol.words.login} response within ${loginTimeoutMs} ms`;
    this.loginTimer = setTimeout(() => this.terminate(why, 'RESPONSE_TIMEOUT'), loginTimeoutMs);
    return this.openPromise;
  }

  /** Writes pre-encoded request bodies as one corked batch. One promise per item; none rejects. */
  requestMany(items: RequestItem[]): Promise<RequestOutcome>[] {
    const out: Promise<RequestOutcome>[] = new Array(items.length);
    const resolvers: ((o: RequestOutcome) => void)[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) out[i] = new Promise((resolve) => { resolvers[i] = resolve; });
    this.requestEach(items, (i, o) => resolvers[i]!(o));
    return out;
  }

  /**
   * Writes pre-encoded request bodies as one corked batch; `done(i, outcome)` once per item, never during
   * this call: for an answer, as its frame is read; for one never written, in a microtask. No promise per
   * item: this is the daemon's hot path. A `done` that throws is logged, not thrown into the session.
   */
  requestEach(items: RequestItem[], done: OutcomeDone): void {
    const sock = this.socket;
    const refused = this._status !== 'bound' || sock === null ? 'NOT_BOUND' : !sock.writable ? 'CONNECTION_CLOSED' : undefined;
    let notWritten: number[] | undefined;
    let corked = false;
    for (let i = 0; i < items.length; i++) {
      if (refused !== undefined || this.blocked || this.window.size >= this.opts.windowSize) {
        (notWritten ??= []).push(i);
        continue;
      }
      if (!corked) {
        sock!.cork();
        corked = true;
      }
      const item = items[i]!;
      this.writeTracked(item.commandId, item.body, i, done);
    }
    if (corked) sock!.uncork();
    if (notWritten !== undefined) {
      const code: ErrorCode = refused ?? 'WINDOW_FULL';
      const left = notWritten;
      queueMicrotask(() => { for (const i of left) this.tell(done, i, { kind: 'not-written', code }); });
    }
  }

  /** Hands an outcome to its `done`; one that throws is a bug of the caller, logged, not the session's. */
  private tell(done: OutcomeDone, index: number, o: RequestOutcome): void {
    try {
      done(index, o);
    } catch (err) {
      this.log.error({ err }, 'an outcome callback threw');
    }
  }

  private settleEntry(entry: WindowEntry, o: RequestOutcome): void {
    this.tell(entry.done, entry.index, o);
  }

  request(commandId: number, body: Uint8Array): Promise<RequestOutcome> {
    return this.requestMany([{ commandId, body }])[0]!;
  }

  /**
   * Idempotent. Bound: log out, wait for the window (in-flight + the logout's answer) up to
   * responseTimeoutMs, then end the socket. Otherwise the socket is destroyed. Every pending request resolves.
   */
  close(reason = 'closed by caller'): Promise<void> {
    if (this._status === 'bound') {
      this.closeInfo ??= { reason };
      this.setStatus('unbinding');
      this.writeTracked(this.protocol.logout.commandId, this.protocol.logout.body, 0, IGNORE_OUTCOME);
      this.drainTimer = setTimeout(() => this.terminate(`${this.protocol.words.logout} drain timed out`), this.opts.responseTimeoutMs);
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

  private writeTracked(commandId: number, body: Uint8Array, index: number, done: OutcomeDone): void {
    const seq = this.window.nextSeq();
    this.window.track(seq, commandId, index, done);
    // Bytes handed to write() count as written: from here on the outcome is a response or no-answer.
    if (!this.socket!.write(this.protocol.frame(commandId, seq, body))) this.blocked = true;
  }

  /**
   * Responses and session PDUs. Corked until this turn of the event loop is done: the answers to a burst of
   * receipts are resolved together (one Redis write per batch) and leave in one writev instead of one
   * write each, which was 8 % of the daemon's CPU with receipts (a V8 profile,
   * docs/BENCHMARKS-HISTORY.md, "Fourth round", change 17).
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
    this.keepAlive.heard();
    this.loginSeq = this.window.nextSeq();
    this.writeRaw(this.protocol.login(this.loginSeq));
    this.log.debug({ seq: this.loginSeq }, `${this.protocol.words.login} sent`);
  }

  private onData(chunk: Buffer): void {
    this.keepAlive.heard();
    this.reader.push(chunk);
  }

  private onFrame(buf: Buffer): void {
    if (this._status === 'closed') return;
    const res = this.protocol.read(buf, this.peer);
    if (res !== null) this.onResponse(res);
  }

  private onResponse(res: ProtocolResponse): void {
    const seq = res.seq;
    if (this._status === 'binding' && seq === this.loginSeq) {
      this.onLoginResponse(res);
      return;
    }
    const entry = this.window.take(seq);
    if (entry === undefined) {
      if (this.window.takeLate(seq)) {
        this.log.warn({ seq, status: res.status }, 'response after its timeout');
        this.safeEmit('late-response', { seq, status: res.status, pdu: res.pdu });
        return;
      }
      this.badPdu(`${res.command} for unknown sequence number ${seq}`);
      return;
    }
    const verdict = this.protocol.judge(res, entry.commandId);
    if (verdict.kind === 'mismatch') {
      // Nothing more this peer says on this session can be trusted; the request may have been taken.
      this.settleEntry(entry, { kind: 'no-answer', code: 'BAD_PDU' });
      this.badPdu(`${verdict.why} under sequence number ${seq}`);
      return;
    }
    if (verdict.kind === 'unproven') {
      // It may be on its way, so it is not sent again; without an id no receipt can end it either.
      this.log.warn({ seq }, `${verdict.why}: outcome unknown`);
      this.settleEntry(entry, { kind: 'no-answer', code: 'NO_MESSAGE_ID' });
      if (!this.countUnproven()) return;
    } else {
      this.unprovenStreak = 0;
      this.settleEntry(entry, { kind: 'response', status: verdict.status, pdu: res.pdu, latencyMs: performance.now() - entry.sentAtMs });
    }
    this.safeEmit('free');
    if (this._status === 'unbinding') this.endIfDrained();
  }

  private onLoginResponse(res: ProtocolResponse): void {
    if (this.loginTimer !== null) clearTimeout(this.loginTimer);
    this.loginTimer = null;
    const refusal = this.protocol.loginRefusal(res);
    if (refusal !== null) {
      this.terminate(`${this.protocol.words.login} refused: ${refusal}`, 'BIND_FAILED');
      return;
    }
    this.setStatus('bound');
    this.keepAlive.start();
    this.settleOpen(null);
  }

  private onTimeout(entry: WindowEntry): void {
    this.settleEntry(entry, { kind: 'no-answer', code: 'RESPONSE_TIMEOUT' });
    if (entry.commandId === this.protocol.keepAlive.commandId) {
      this.terminate(`dead link: no answer to ${this.protocol.words.keepAlive}`, 'RESPONSE_TIMEOUT');
      return;
    }
    if (!this.countUnproven()) return;
    this.safeEmit('free');
    if (this._status === 'unbinding') this.endIfDrained();
  }

  /**
   * One more request in a row without a proving answer. A session whose peer has stopped answering would
   * otherwise stay "bound" (the keep-alive is not sent while requests flow) and turn every job it is given
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

  private sendKeepAlive(): boolean {
    if (this._status !== 'bound') return false;
    this.writeTracked(this.protocol.keepAlive.commandId, this.protocol.keepAlive.body, 0, IGNORE_OUTCOME);
    return true;
  }

  private endIfDrained(): void {
    if (this.window.size > 0 || this.socket === null) return;
    const sock = this.socket;
    sock.end(() => sock.destroy());
  }

  private badPdu(reason: string): void {
    if (this._status === 'closed') return;
    this.log.warn({ reason }, `bad PDU from ${this.protocol.words.peer}, closing`);
    this.safeEmit('bad-pdu', { reason });
    this.terminate(reason, 'BAD_PDU');
  }

  /** Stops the connection now (gracefully = end after flushing what is queued, e.g. unbind_resp). */
  private terminate(reason: string, code?: ErrorCode, gracefully = false): void {
    if (this._status === 'closed') return;
    this.closeInfo ??= code === undefined ? { reason } : { reason, code };
    this.reader.stop();
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
    for (const t of [this.loginTimer, this.drainTimer]) if (t !== null) clearTimeout(t);
    this.loginTimer = this.drainTimer = null;
    this.keepAlive.stop();
    this.reader.stop();
    const info = this.closeInfo ?? {
      reason: this.socketError ? `connection lost: ${this.socketError.message}` : 'connection closed by peer',
      code: 'CONNECTION_CLOSED' as ErrorCode,
    };
    this.closeInfo = info;
    const pending = this.window.drain();
    this.setStatus('closed');
    for (const entry of pending) this.settleEntry(entry, { kind: 'no-answer', code: 'CONNECTION_CLOSED' });
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
