/**
 * One client connection to a simulated carrier: framing, bind state, the outgoing request table
 * (deliver_sm awaiting deliver_sm_resp, pending-requests.ts) and the plain answers (enquire_link, unbind, unknown).
 * What to do with a bind or a submit_sm is the carrier's decision (see carrier.ts).
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import smpp from 'smpp';
import { BIND_KINDS, Cmd, encode, header, PduReader } from './wire.js';
import { Status } from '../smpp/pdu-header.js';
import { receiptFields, type ReceiptJob, type ReceiptLink } from './receipts.js';
import { PendingRequests, type RequestOutcome } from './pending-requests.js';
import type { SimBehaviours } from './types.js';

export type BindKind = 'receiver' | 'transmitter' | 'transceiver';
export type ConnectionStatus = 'open' | 'bound' | 'closed';

export interface ConnectionHost {
  bind(conn: SimConnection, kind: BindKind, systemId: string, password: string): number;
  bound(conn: SimConnection): void;
  submit(conn: SimConnection, pdu: Buffer): void;
  closed(conn: SimConnection): void;
}

export class SimConnection implements ReceiptLink {
  status: ConnectionStatus = 'open';
  kind: BindKind | undefined;
  submitsSeen = 0;
  garbageSent = false;
  trickling = false; // a never-ending frame is being written (trickleMs): the stream is stuck on it
  private readonly pending = new PendingRequests();
  private readonly reader: PduReader;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly host: ConnectionHost,
    private readonly log: Logger,
  ) {
    this.reader = new PduReader(
      (pdu) => this.onPdu(pdu),
      (reason) => this.destroy(`bad framing: ${reason}`),
    );
    // As an SMSC would: without it each small answer waits behind Nagle for the peer's delayed ACK,
    // 40 ms on Linux (seen on the wire: submit_sm_resp 40-45 ms after its submit_sm, at 500/s).
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.reader.push(chunk));
    socket.on('error', (err) => this.log.debug({ err: err.message }, 'socket error'));
    socket.on('close', () => this.setStatus('closed'));
    socket.resume();
  }

  get canReceive(): boolean {
    return this.status === 'bound' && (this.kind === 'receiver' || this.kind === 'transceiver');
  }

  get canTransmit(): boolean {
    return this.status === 'bound' && (this.kind === 'transmitter' || this.kind === 'transceiver');
  }

  write(buf: Buffer): void {
    if (this.status !== 'closed' && this.socket.writable) this.socket.write(buf);
  }

  /** Sends a request PDU (passed through `mangle` when given) and reports how it ended; exactly one report per request. */
  request(
    command: string, fields: Record<string, unknown>, timeoutMs: number, done: (o: RequestOutcome) => void,
    mangle: (pdu: Buffer) => Buffer = (pdu) => pdu,
  ): void {
    if (this.status === 'closed') {
      done('closed');
      return;
    }
    const seq = this.pending.open(timeoutMs, done);
    this.write(mangle(encode(command, { ...fields, sequence_number: seq })));
  }

  sendReceipt(job: ReceiptJob, b: SimBehaviours, timeoutMs: number, done: (o: RequestOutcome) => void): void {
    this.request('deliver_sm', receiptFields(job, b, Date.now()), timeoutMs, done);
  }

  destroy(reason: string): void {
    if (this.status === 'closed') return;
    this.log.debug({ conn: this.id, reason }, 'destroying connection');
    this.socket.destroy();
    this.setStatus('closed');
  }

  /** The one place the status changes. */
  private setStatus(to: ConnectionStatus): void {
    const from = this.status;
    if (from === to) return;
    this.status = to;
    this.log.debug({ conn: this.id, kind: this.kind }, `connection ${from} -> ${to}`);
    if (to === 'closed') {
      this.pending.closeAll();
      this.host.closed(this);
    } else if (to === 'bound') {
      this.host.bound(this);
    }
  }

  private onPdu(pdu: Buffer): void {
    const { commandId, status, seq } = header(pdu);
    try {
      const kind = BIND_KINDS[commandId];
      if (kind) return this.onBind(pdu, kind, seq);
      switch (commandId) {
        case Cmd.submit_sm:
          if (!this.canTransmit) return this.write(encode('submit_sm_resp', { sequence_number: seq, command_status: Status.ESME_RINVBNDSTS }));
          this.submitsSeen++; // counts for dropAfter / garbageAfter: only submits a bound SMSC takes
          return this.host.submit(this, pdu);
        case Cmd.enquire_link:
          return this.write(encode('enquire_link_resp', { sequence_number: seq }));
        case Cmd.unbind:
          this.write(encode('unbind_resp', { sequence_number: seq }));
          this.socket.end();
          return;
        case Cmd.deliver_sm_resp:
        case Cmd.generic_nack:
          return this.pending.settle(seq, status);
        case Cmd.enquire_link_resp:
        case Cmd.unbind_resp:
          return;
        default:
          if (commandId & 0x80000000) return; // an unexpected response: nothing to answer
          return this.write(encode('generic_nack', { sequence_number: seq, command_status: Status.ESME_RINVCMDID }));
      }
    } catch (err) {
      // A PDU the codec cannot read: answer like an SMSC does, and keep the connection.
      this.log.warn({ conn: this.id, err: (err as Error).message }, 'cannot handle PDU');
      this.write(encode('generic_nack', { sequence_number: seq, command_status: Status.ESME_RSYSERR }));
    }
  }

  private onBind(pdu: Buffer, kind: BindKind, seq: number): void {
    const command = `bind_${kind}_resp`;
    if (this.status === 'bound') return this.write(encode(command, { sequence_number: seq, command_status: Status.ESME_RALYBND }));
    const decoded = new smpp.PDU(pdu);
    const status = this.host.bind(this, kind, String(decoded.system_id ?? ''), String(decoded.password ?? ''));
    this.write(encode(command, { sequence_number: seq, command_status: status, system_id: 'smppd-sim' }));
    if (status === Status.ESME_ROK) {
      this.kind = kind;
      this.setStatus('bound');
    }
  }
}
