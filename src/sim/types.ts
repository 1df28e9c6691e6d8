/** The simulator's public shapes: what `smppd simulate`, the end-to-end tests and the demo use. */

/** One named behaviour per fault; all off by default. Shares are percentages (0..100). */
export interface SimBehaviours {
  slowMs?: number; // delay every submit_sm_resp by this many ms
  holdAnswers?: boolean; // submit answers that come due are kept back; written in order once behaviours are set without it
  throttlePct?: number; // answer this share of submit_sm with ESME_RTHROTTLED (0x58)
  queueFullPct?: number; // ... with ESME_RMSGQFUL (0x14)
  errorPct?: number; // ... with ESME_RSYSERR (0x08) (transient)
  rejectPct?: number; // ... with ESME_RINVDSTADR (0x0B) (permanent)
  statusFor?: Record<string, number>; // destination address (as written in the PDU) -> command_status for every submit_sm to it (CMPP: Dest_terminal_Id, the status read as the fault shares are)
  dropAfter?: number; // destroy the connection after every N submit_sm received (no answer to the Nth)
  refuseBinds?: number; // refuse the first K bind attempts (ESME_RBINDFAIL)
  neverAnswer?: boolean; // accept submit_sm, never answer
  garbageAfter?: number; // the Nth submit_sm of a connection gets 64 random bytes instead of a response, once
  nackZero?: boolean; // answer every submit_sm with generic_nack, command_status 0
  respNoId?: boolean; // answer every submit_sm with submit_sm_resp, status 0, no message_id (header only)
  respWrongCommand?: boolean; // answer every submit_sm with enquire_link_resp under the submit's sequence number
  trickleMs?: number; // answer the first submit_sm of a connection with a submit_sm_resp header, then a byte every trickleMs, never the last
  moTruncated?: boolean; // MOs (sendMo) go out with short_message one octet shorter than sm_length
  hexIds?: boolean; // message ids as hex strings (receipts then use the same hex id)
  receiptIdFormat?: 'same' | 'decimal-of-hex'; // receipts name a hex id in decimal (as some SMSCs do)
  receipt?: 'on-request' | 'always' | 'never'; // default 'on-request' (registered_delivery & 1)
  receiptDelayMs?: number; // default 50
  receiptBeforeResp?: boolean; // send the receipt before the submit_sm_resp
  receiptStat?: 'DELIVRD' | 'UNDELIV' | 'mixed'; // mixed: every 10th UNDELIV with err:001
  receiptLowercase?: boolean; // "stat:delivrd"
  receiptNoTlv?: boolean; // no receipted_message_id / message_state TLVs, text only
  receiptGarbage?: boolean; // receipt short_message is random text (no id:); TLVs unless receiptNoTlv
  receiptRetryMs?: number; // wait before resending an unacknowledged receipt; default 1000
  receiptAnswerTimeoutMs?: number; // a receipt unanswered this long is resent; default 5000
  // 'next-bind' (default): a receipt still refused or unanswered after 3 resends, or cut off by its connection
  // closing, is sent again on the next bind; 'give-up': dropped after the 3 resends
  receiptRedelivery?: 'next-bind' | 'give-up';
  activeTestMs?: number; // CMPP: send ACTIVE_TEST after this long with nothing from the SP; default 180000, 0 = never
}

/**
 * A CMPP carrier (protocol 'cmpp') plays the ISMG with the same behaviours, mapped to CMPP:
 * refuseBinds → CONNECT_RESP Status 5 (other error; a wrong secret is 3, a wrong spId 2); throttlePct and
 * queueFullPct → SUBMIT_RESP Result 8 (flow control); errorPct → Result 14, a code neither version names,
 * which is how a gateway reports a temporary fault of its own; rejectPct → Result 13 (invalid
 * Dest_terminal_Id) in 3.0, 9 (other error; 2.0 names no code for it) in 2.0. Receipts are DELIVERs with
 * Registered_Delivery 1 and a status report naming the submit's Msg_Id (receiptLowercase lowers its Stat).
 * hexIds, receiptIdFormat, receiptNoTlv and receiptGarbage have no CMPP meaning and are ignored.
 */

export interface SimCarrierOptions {
  name: string;
  port: number; // 0 = pick a free port
  behaviours?: SimBehaviours;
  systemId?: string; // checked at bind when given
  password?: string; // checked at bind when given
  protocol?: 'smpp' | 'cmpp'; // default 'smpp'
  version?: '2.0' | '3.0'; // cmpp only; default '2.0'
  spId?: string; // cmpp only: the CONNECT's Source_Addr, checked when given (Status 2 otherwise)
  secret?: string; // cmpp only: when given, AuthenticatorSource is verified (Status 3 otherwise)
}

export interface SimSubmit {
  carrier: string;
  protocol: 'smpp' | 'cmpp';
  bind: number; // connection number within the carrier, from 1
  seq: number;
  msgId: string; // '' when the submit got no id (error status, or no answer)
  to: string;
  from: string;
  esmClass: number; // cmpp: 0x40 when TP_udhi is 1
  dataCoding: number; // cmpp: Msg_Fmt
  text: string; // decoded, UDH stripped
  udh?: { ref: number; total: number; seq: number };
  answered: boolean;
  status: number; // smpp: command_status; cmpp: SUBMIT_RESP Result
  at: number; // epoch ms received
}

export interface SimCarrierStats {
  binds: number; // successful binds
  bindsRefused: number;
  submits: number;
  receipts: number; // receipt deliver_sm written, resends included
  connections: number; // connections accepted since start
}

export interface Simulator {
  ports: Record<string, number>;
  submits: SimSubmit[]; // every submit_sm and CMPP_SUBMIT received, in order (the newest keepSubmits of them)
  stats(): Record<string, SimCarrierStats>;
  sendMo(carrier: string, mo: { from: string; to: string; text: string }): Promise<void>;
  setBehaviours(carrier: string, b: SimBehaviours): void;
  /** Drops every connection of the carrier now (its listener stays); how many there were. */
  disconnect(carrier: string): number;
  close(): Promise<void>;
}
