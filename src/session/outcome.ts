/** What a request sent on a session comes to, and what the peer sends us, for every protocol. Pure types. */
import type { ErrorCode } from '../errors.js';

export type RequestOutcome =
  /**
   * The peer answered (any status, including errors and throttling): SMPP's command_status, CMPP's Result.
   * `pdu` holds the answer's fields; `message_id` is the id receipts will name (CMPP: the canonical decimal).
   */
  | { kind: 'response'; status: number; pdu: Record<string, any>; latencyMs: number }
  /** The bytes never reached the socket: safe to send again. */
  | { kind: 'not-written'; code: ErrorCode }
  /** The bytes were handed to the socket but no answer came (timeout, close): outcome unknown. */
  | { kind: 'no-answer'; code: ErrorCode };

export interface RequestItem {
  commandId: number;
  body: Uint8Array;
}

/**
 * A delivery from the peer (SMPP deliver_sm / data_sm, CMPP_DELIVER). The listener calls respond() once it
 * has persisted it: the peer resends what is not answered, so nothing is lost before Redis has it.
 */
export interface InboundRequest {
  /** The whole PDU, header included, as it came off the wire: what receipts and MOs are read from. */
  frame: Buffer;
  /** The same PDU decoded by the protocol's codec (SMPP: the `smpp` package, on first use only). */
  readonly pdu: Record<string, any>;
  command: string;
  respond(status: number, fields?: Record<string, any>): void;
}
