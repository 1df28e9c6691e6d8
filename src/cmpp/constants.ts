/**
 * CMPP 2.0 / 3.0 protocol constants (China Mobile Peer to Peer, the SP ⇄ ISMG protocol): command ids,
 * versions, field sizes and result codes. Every CMPP number smppd uses lives here.
 */

/** Total_Length, Command_Id, Sequence_Id: 4 octets each, big-endian. */
export const CMPP_HEADER_BYTES = 12;
/** The largest PDU either version defines is a 3.0 CMPP_SUBMIT to 100 recipients (3,491 octets). */
export const CMPP_MAX_PDU_BYTES = 4096;
/** Bit set in Command_Id of every response. */
export const CMPP_RESPONSE_BIT = 0x80000000;

export const CmppCommand = {
  connect: 0x00000001,
  connect_resp: 0x80000001,
  terminate: 0x00000002,
  terminate_resp: 0x80000002,
  submit: 0x00000004,
  submit_resp: 0x80000004,
  deliver: 0x00000005,
  deliver_resp: 0x80000005,
  query: 0x00000006,
  query_resp: 0x80000006,
  cancel: 0x00000007,
  cancel_resp: 0x80000007,
  active_test: 0x00000008,
  active_test_resp: 0x80000008,
} as const;
export type CmppCommandName = keyof typeof CmppCommand;

const NAMES = new Map<number, CmppCommandName>(
  Object.entries(CmppCommand).map(([k, v]) => [v, k as CmppCommandName]),
);
export function commandName(id: number): CmppCommandName | undefined {
  return NAMES.get(id >>> 0);
}

export type CmppVersion = '2.0' | '3.0';
/** The Version octet: high nibble major, low nibble minor. */
export const VERSION_OCTET: Record<CmppVersion, number> = { '2.0': 0x20, '3.0': 0x30 };

/** Field widths that differ between the versions. */
export interface VersionLayout {
  /** Terminal ids (Fee_terminal_Id, Dest_terminal_Id, Src_terminal_Id): 21 in 2.0, 32 in 3.0. */
  terminalIdBytes: number;
  /** 3.0 follows each terminal id with a type octet (0 real number, 1 pseudo-code). */
  terminalType: boolean;
  /** Status of CONNECT_RESP and Result of SUBMIT_RESP/DELIVER_RESP: 1 octet in 2.0, 4 in 3.0. */
  resultBytes: 1 | 4;
  /** Trailing field of SUBMIT and DELIVER: Reserve (8) in 2.0, LinkID (20) in 3.0. */
  trailerBytes: number;
}
export const LAYOUT: Record<CmppVersion, VersionLayout> = {
  '2.0': { terminalIdBytes: 21, terminalType: false, resultBytes: 1, trailerBytes: 8 },
  '3.0': { terminalIdBytes: 32, terminalType: true, resultBytes: 4, trailerBytes: 20 },
};

/** Msg_Fmt values smppd writes or reads. */
export const MsgFmt = { ascii: 0, binary: 4, ucs2: 8, gbk: 15 } as const;

/** CMPP_CONNECT_RESP Status (both versions). */
export const CONNECT_STATUS: Record<number, string> = {
  0: 'ok',
  1: 'invalid message structure',
  2: 'invalid source address',
  3: 'authentication failed',
  4: 'version too high',
  5: 'other error',
};

/** CMPP_SUBMIT_RESP Result. 8 is flow control: the ISMG asks the SP to slow down. */
export const SUBMIT_RESULT = {
  ok: 0,
  badStructure: 1,
  badCommand: 2,
  duplicateSequence: 3,
  badMessageLength: 4,
  badFeeCode: 5,
  messageTooLong: 6,
  badServiceId: 7,
  flowControl: 8,
} as const;

const RESULT_TEXT: readonly string[] = [
  'ok',
  'invalid message structure',
  'invalid command word',
  'duplicate message sequence',
  'invalid message length',
  'invalid fee code',
  'message longer than allowed',
  'invalid service id',
  'flow control',
];
/** 3.0 names results 9-13; in 2.0 every result from 9 on is "other error". */
const RESULT_TEXT_30: readonly string[] = [
  'this gateway does not serve the fee number',
  'invalid Src_Id',
  'invalid Msg_src',
  'invalid Fee_terminal_Id',
  'invalid Dest_terminal_Id',
];

/** Text of a SUBMIT_RESP Result, for events and logs. */
export function submitResultText(version: CmppVersion, result: number): string {
  if (result < RESULT_TEXT.length) return RESULT_TEXT[result];
  if (version === '3.0' && result - 9 < RESULT_TEXT_30.length) return RESULT_TEXT_30[result - 9];
  return 'other error';
}

/** Stat of a status report that means the handset received the message. */
export const STAT_DELIVERED = 'DELIVRD';

/**
 * CMPP_DELIVER_RESP Result smppd sends (the SUBMIT_RESP codes): 0 once the report or MO is stored; 8 (flow
 * control) when it cannot be stored now, so the ISMG delivers it again later; 4 (invalid message length)
 * for a status report whose Msg_Content is not the report's length; 1 (invalid message structure) for one
 * whose fields are not what they claim.
 */
export const DELIVER_RESULT = {
  ok: SUBMIT_RESULT.ok,
  badStructure: SUBMIT_RESULT.badStructure,
  badMessageLength: SUBMIT_RESULT.badMessageLength,
  flowControl: SUBMIT_RESULT.flowControl,
} as const;
