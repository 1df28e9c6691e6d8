/**
 * The 16-byte SMPP 3.4 header (command_length, command_id, command_status, sequence_number; §3.2).
 * `frame()` is the hot path: bodies are encoded off the I/O thread, which only numbers and writes them.
 */
export const HEADER_BYTES = 16;
/** Bit set in command_id of every response PDU. */
export const RESPONSE_BIT = 0x80000000;

export const CommandId = {
  generic_nack: 0x80000000,
  bind_receiver: 0x00000001,
  bind_receiver_resp: 0x80000001,
  bind_transmitter: 0x00000002,
  bind_transmitter_resp: 0x80000002,
  submit_sm: 0x00000004,
  submit_sm_resp: 0x80000004,
  deliver_sm: 0x00000005,
  deliver_sm_resp: 0x80000005,
  unbind: 0x00000006,
  unbind_resp: 0x80000006,
  bind_transceiver: 0x00000009,
  bind_transceiver_resp: 0x80000009,
  enquire_link: 0x00000015,
  enquire_link_resp: 0x80000015,
  submit_multi: 0x00000021,
  alert_notification: 0x00000102,
  data_sm: 0x00000103,
  data_sm_resp: 0x80000103,
} as const;

/** SMPP 3.4 §5.1.3 command_status values smppd and its simulator name: every one is defined here only. */
export const Status = {
  ESME_ROK: 0x00,
  ESME_RINVMSGLEN: 0x01,
  ESME_RINVCMDLEN: 0x02,
  ESME_RINVCMDID: 0x03,
  ESME_RINVBNDSTS: 0x04,
  ESME_RALYBND: 0x05,
  ESME_RSYSERR: 0x08,
  ESME_RINVSRCADR: 0x0a,
  ESME_RINVDSTADR: 0x0b,
  ESME_RBINDFAIL: 0x0d,
  ESME_RINVPASWD: 0x0e,
  ESME_RMSGQFUL: 0x14,
  ESME_RSUBMITFAIL: 0x45,
  ESME_RTHROTTLED: 0x58,
  ESME_RINVSCHED: 0x61,
  ESME_RINVEXPIRY: 0x62,
  ESME_RX_T_APPN: 0x64,
  ESME_RX_P_APPN: 0x65,
  ESME_RX_R_APPN: 0x66,
  ESME_RDELIVERYFAILURE: 0xfe,
  ESME_RUNKNOWNERR: 0xff,
} as const;
export type StatusName = keyof typeof Status;

export interface PduHeader {
  commandLength: number;
  commandId: number;
  commandStatus: number;
  sequenceNumber: number;
}

/** Writes command_id, command_status and sequence_number; command_length is buf.length. */
export function writeHeader(buf: Buffer, commandId: number, status: number, seq: number): void {
  buf.writeUInt32BE(buf.length, 0);
  buf.writeUInt32BE(commandId >>> 0, 4);
  buf.writeUInt32BE(status >>> 0, 8);
  buf.writeUInt32BE(seq >>> 0, 12);
}

/** Prepends a header to a pre-encoded body: one allocation, one copy. */
export function frame(commandId: number, seq: number, body: Uint8Array, status = 0): Buffer {
  const buf = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  writeHeader(buf, commandId, status, seq);
  buf.set(body, HEADER_BYTES);
  return buf;
}

export function readHeader(buf: Buffer): PduHeader {
  return {
    commandLength: buf.readUInt32BE(0),
    commandId: buf.readUInt32BE(4),
    commandStatus: buf.readUInt32BE(8),
    sequenceNumber: buf.readUInt32BE(12),
  };
}

export function isResponseId(commandId: number): boolean {
  return (commandId & RESPONSE_BIT) !== 0;
}

export function hex32(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}
