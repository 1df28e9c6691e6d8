/**
 * One SP connection to a simulated ISMG: framing, login state, the outgoing request table (DELIVER
 * awaiting DELIVER_RESP, ACTIVE_TEST awaiting its answer), the plain answers (ACTIVE_TEST, TERMINATE)
 * and the ISMG's own ACTIVE_TEST when the link is idle. What to do with a CONNECT or a SUBMIT is the
 * carrier's decision (cmpp-carrier.ts). A frame that does not decode closes the connection: CMPP has
 * no marker to resynchronise on.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { decodeCmpp, encodeActiveTestResp, encodeEmpty } from '../cmpp/codec.js';
import type { CmppConnect } from '../cmpp/connect.js';
import { CMPP_HEADER_BYTES, CMPP_MAX_PDU_BYTES, type CmppVersion } from '../cmpp/constants.js';
import type { CmppSubmit } from '../cmpp/submit.js';
import { Framer } from '../smpp/framer.js';
import { PendingRequests, type RequestOutcome } from './pending-requests.js';
import type { ReceiptJob, ReceiptLink } from './receipts.js';
import type { SimBehaviours } from './types.js';

export type CmppConnectionStatus = 'open' | 'connected' | 'closed';

/** The ISMG's idle ACTIVE_TEST interval by default: the specifications' C = 3 minutes. */
export const DEFAULT_ACTIVE_TEST_MS = 180_000;

export interface CmppConnectionHost {
  readonly version: CmppVersion;
  readonly behaviours: SimBehaviours;
  /** Answers the CONNECT (written by the host); true when the login is accepted. */
  connect(conn: CmppConnection, seq: number, c: CmppConnect): boolean;
  connected(conn: CmppConnection): void;
  submit(conn: CmppConnection, seq: number, s: CmppSubmit): void;
  /** The DELIVER carrying a status report for `job`, with Sequence_Id `seq`. */
  receiptFrame(job: ReceiptJob, b: SimBehaviours, seq: number): Buffer;
  closed(conn: CmppConnection): void;
}

export class CmppConnection implements ReceiptLink {
  status: CmppConnectionStatus = 'open';
  submitsSeen = 0;
  garbageSent = false;
  activeTestsSent = 0;
  private readonly pending = new PendingRequests();
  private readonly framer = new Framer(CMPP_MAX_PDU_BYTES, CMPP_HEADER_BYTES);
  private lastInAt = Date.now();
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly host: CmppConnectionHost,
    private readonly log: Logger,
  ) {
    socket.setNoDelay(true); // small answers must not wait behind Nagle (see connection.ts)
    socket.on('data', (chunk: Buffer) => {
      const bad = this.framer.push(chunk, (frame) => this.onFrame(frame));
      if (bad !== null) this.destroy(`bad framing: ${bad}`);
    });
    socket.on('error', (err) => this.log.debug({ err: err.message }, 'socket error'));
    socket.on('close', () => this.setStatus('closed'));
    this.armIdle(0);
  }

  get canReceive(): boolean {
    return this.status === 'connected';
  }

  write(buf: Buffer): void {
    if (this.status !== 'closed' && this.socket.writable) this.socket.write(buf);
  }

  /** Sends a request built for its Sequence_Id and reports how it ended; exactly one report per request. */
  request(build: (seq: number) => Buffer, timeoutMs: number, done: (o: RequestOutcome) => void): void {
    if (this.status === 'closed') return done('closed');
    this.write(build(this.pending.open(timeoutMs, done)));
  }

  sendReceipt(job: ReceiptJob, b: SimBehaviours, timeoutMs: number, done: (o: RequestOutcome) => void): void {
    this.request((seq) => this.host.receiptFrame(job, b, seq), timeoutMs, done);
  }

  destroy(reason: string): void {
    if (this.status === 'closed') return;
    this.log.debug({ conn: this.id, reason }, 'destroying connection');
    this.socket.destroy();
    this.setStatus('closed');
  }

  /** The one place the status changes. */
  private setStatus(to: CmppConnectionStatus): void {
    const from = this.status;
    if (from === to) return;
    this.status = to;
    this.log.debug({ conn: this.id }, `cmpp connection ${from} -> ${to}`);
    if (to === 'closed') {
      clearTimeout(this.idleTimer);
      this.framer.stop();
      this.pending.closeAll();
      this.host.closed(this);
    } else if (to === 'connected') {
      this.host.connected(this);
    }
  }

  /** Sends ACTIVE_TEST once the SP has been silent for activeTestMs (read each time: behaviours change). */
  private armIdle(idleMs: number): void {
    const everyMs = this.host.behaviours.activeTestMs ?? DEFAULT_ACTIVE_TEST_MS;
    // Off (0): look again in a second, in case a new behaviour turns it on.
    const waitMs = everyMs > 0 ? Math.max(1, everyMs - idleMs) : 1000;
    this.idleTimer = setTimeout(() => {
      if (this.status === 'closed') return;
      const idle = Date.now() - this.lastInAt;
      const due = everyMs > 0 && idle >= everyMs;
      if (due && this.status === 'connected') {
        this.lastInAt = Date.now();
        this.activeTestsSent++;
        this.request((seq) => encodeEmpty('active_test', seq), everyMs, (o) => this.log.debug({ conn: this.id, o }, 'active test ended'));
      }
      this.armIdle(due ? 0 : idle);
    }, waitMs);
    this.idleTimer.unref();
  }

  private onFrame(frame: Buffer): void {
    this.lastInAt = Date.now();
    const d = decodeCmpp(frame, this.host.version);
    if (!d.ok) {
      this.log.warn({ conn: this.id, reason: d.reason }, 'cannot read CMPP frame');
      return this.destroy(`bad PDU: ${d.reason}`);
    }
    const { pdu } = d;
    switch (pdu.command) {
      case 'connect':
        if (this.host.connect(this, pdu.seq, pdu.body)) this.setStatus('connected');
        return;
      case 'submit':
        if (this.status !== 'connected') return this.destroy('SUBMIT before an accepted CONNECT');
        this.submitsSeen++; // counts for dropAfter / garbageAfter, as on the SMPP side
        return this.host.submit(this, pdu.seq, pdu.body);
      case 'active_test':
        return this.write(encodeActiveTestResp(pdu.seq));
      case 'terminate':
        this.write(encodeEmpty('terminate_resp', pdu.seq));
        this.socket.end();
        return;
      case 'deliver_resp':
        return this.pending.settle(pdu.seq, pdu.body.result);
      case 'active_test_resp':
        return this.pending.settle(pdu.seq, 0);
      default:
        return; // a response to nothing, or a DELIVER from the SP: nothing an ISMG answers
    }
  }
}
