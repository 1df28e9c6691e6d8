/** What a request sent on a session comes to. Pure types. */
import type { ErrorCode } from '../errors.js';

export type RequestOutcome =
  /** The SMSC answered (any command_status, including errors and throttling). */
  | { kind: 'response'; status: number; pdu: Record<string, any>; latencyMs: number }
  /** The bytes never reached the socket: safe to send again. */
  | { kind: 'not-written'; code: ErrorCode }
  /** The bytes were handed to the socket but no answer came (timeout, close): outcome unknown. */
  | { kind: 'no-answer'; code: ErrorCode };

export interface RequestItem {
  commandId: number;
  body: Uint8Array;
}

/** A deliver_sm / data_sm from the SMSC. The listener calls respond() once it has persisted it. */
export interface InboundRequest {
  /** The whole PDU, header included, as it came off the wire: what receipts and MOs are read from. */
  frame: Buffer;
  /** The same PDU decoded by the `smpp` package, on first use only (logs, diagnostics, tests). */
  readonly pdu: Record<string, any>;
  command: string;
  respond(status: number, fields?: Record<string, any>): void;
}
