/**
 * What a delivery (SMPP deliver_sm / data_sm, CMPP_DELIVER) turns out to be, and the answer it gets, in
 * words every protocol shares. Each protocol reads its own octets into a Delivery and maps an answer onto
 * its own status (src/smpp/delivery.ts, src/cmpp/delivery.ts); the pipeline (src/pipeline/inbound.ts)
 * stores deliveries and answers without knowing which protocol carried them. Pure types.
 */
import type { Mo } from '../types.js';
import type { InboundRequest } from './outcome.js';

export type Delivery =
  /** A delivery receipt naming the part it reports on (`messageId` as the peer wrote it) and its state. */
  | { kind: 'receipt'; messageId: string; stat: string; err: string }
  /** Marked as a receipt but naming no message or state: kept as an orphan with its text. */
  | { kind: 'unreadable'; reason: string; text: string }
  /** `warning`: the text was decoded by a guess (an unknown coding), said in the log. */
  | { kind: 'mo'; mo: Mo; warning?: string }
  /** An MO whose text cannot be decoded: logged, answered as stored (a resend would read the same). */
  | { kind: 'undecodable'; reason: string }
  /** Refused: read anyway it would be stored clipped or empty. Never stored. */
  | { kind: 'malformed'; answer: 'bad-length' | 'bad-fields'; reason: string };

/**
 * The answer to a delivery: `stored` once Redis has it; `later` when it could not be stored now (the
 * peer delivers it again); `bad-length` (a length field larger than what follows) and `bad-fields`
 * (the PDU ends inside its fields, or they do not make what they claim) refuse a malformed one.
 */
export type DeliveryAnswer = 'stored' | 'later' | 'bad-length' | 'bad-fields';

/** One protocol's side of the receipt leg: how it reads a delivery and writes an answer. */
export interface DeliveryReader {
  /** What the protocol calls the peer that delivers ("SMSC", "ISMG"), for logs. */
  readonly peer: string;
  read(req: InboundRequest): Delivery;
  /** The protocol's status for an answer (SMPP command_status, CMPP DELIVER_RESP Result). */
  status(answer: DeliveryAnswer): number;
}
