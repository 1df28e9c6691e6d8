/**
 * What a protocol supplies to the session core (src/session/core.ts). The core owns the socket, framing,
 * the window, deadlines, keep-alive timing, backpressure, the status union and the hand-back on close; a
 * protocol owns its octets: how a request is framed, its login and what answers it, its keep-alive and
 * logout PDUs, how a response pairs with its request, and what it does with the requests the peer sends.
 * One protocol object serves one connection (a login may keep state, e.g. CMPP's authenticator).
 */
import type { InboundRequest, RequestItem } from './outcome.js';

/** A response the protocol decoded: the core pairs it with its request by `seq`. */
export interface ProtocolResponse {
  seq: number;
  /** Its command name, for logs and reasons. */
  command: string;
  /** The protocol's status or result field (0 where the command has none). */
  status: number;
  /** Its fields, as the outcome carries them (`message_id` where the answer names one). */
  pdu: Record<string, any>;
}

/** What a response proves about the request it names (docs/RELIABILITY.md, "Answers that prove nothing"). */
export type Verdict =
  /** An answer: the status the outcome policy reads (a refusal, or acceptance with its message id). */
  | { kind: 'answer'; status: number }
  /** "Accepted" without the message id receipts name: the peer may be delivering it; not proof. */
  | { kind: 'unproven'; why: string }
  /** Not an answer to this request at all: the peer's state and ours disagree. */
  | { kind: 'mismatch'; why: string };

/** What a response's status means for the job (src/pipeline/outcome-policy.ts): every protocol maps onto these. */
export type ResultClass = 'ok' | 'throttled' | 'transient' | 'permanent';

/** What a protocol may do to its session while it reads a frame. */
export interface ProtocolPeer {
  /** Writes a response or session PDU (corked until the turn of the event loop is done). */
  write(buf: Buffer): void;
  /** The peer logged out and has been answered: close after flushing. `reason`: for the close info. */
  loggedOut(reason: string): void;
  /** False when nobody listens for deliveries. May throw (a listener's bug). */
  deliver(req: InboundRequest): boolean;
  /** The peer broke the protocol, or a listener threw: the session closes with BAD_PDU. */
  fail(reason: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
}

export interface SessionProtocol {
  /** The smallest valid frame (the header) and the largest accepted: outside these the stream is lost. */
  readonly headerBytes: number;
  readonly maxPduBytes: number;
  /** Names used in reasons and logs: the login, keep-alive and logout exchanges, the peer. */
  readonly words: { login: string; keepAlive: string; logout: string; peer: string };
  /** Sent after keepAliveMs without an inbound byte; its deadline passing means the link is dead. */
  readonly keepAlive: RequestItem;
  /** Sent by close() while logged in; the core waits for its answer and the window before ending. */
  readonly logout: RequestItem;
  /** The whole PDU of a request: the header around a pre-encoded body. */
  frame(commandId: number, seq: number, body: Uint8Array): Buffer;
  /** The login PDU, sent once connected under `seq`. */
  login(seq: number): Buffer;
  /** The answer to the login: null when it admits us, else why it does not (the session ends BIND_FAILED). */
  loginRefusal(res: ProtocolResponse): string | null;
  /**
   * Reads one whole frame. A response is returned for the core to pair; a request is served here (answered
   * through `peer`, or handed over as a delivery) and null returned; a broken frame calls peer.fail.
   */
  read(frame: Buffer, peer: ProtocolPeer): ProtocolResponse | null;
  /** What `res` proves about the request of `requestCommandId` sent under the same sequence number. */
  judge(res: ProtocolResponse, requestCommandId: number): Verdict;
  /** What a response's status (SMPP command_status, CMPP Result) means for the job. */
  classify(status: number): ResultClass;
  /** A refused submit's status as an event's `error` says it. */
  describe(status: number): string;
  /**
   * Whether a refusal says the destination number does not exist (the number is then marked invalid);
   * undefined where the operator's list decides (SMPP: care.invalidSubmitStatuses).
   */
  badDestination(status: number): boolean | undefined;
}
