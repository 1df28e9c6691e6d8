/**
 * Byte-level helpers for the simulator's connections: framing of the incoming stream and
 * encoding of outgoing PDUs with the `smpp` codec. The package's Session reader is not used:
 * it decodes short_message by its own guess and wedges on a malformed PDU.
 */
import smpp from 'smpp';

/** Larger than any legal PDU: a 64 KiB message_payload plus the mandatory fields. */
export const MAX_COMMAND_LENGTH = 70_000;

/** Splits a byte stream into whole PDUs; reports a length outside 16..MAX_COMMAND_LENGTH. */
export class PduReader {
  private buf: Buffer = Buffer.alloc(0);

  constructor(
    private readonly onPdu: (pdu: Buffer) => void,
    private readonly onBad: (reason: string) => void,
  ) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 4) {
      const length = this.buf.readUInt32BE(0);
      if (length < 16 || length > MAX_COMMAND_LENGTH) {
        this.buf = Buffer.alloc(0);
        this.onBad(`command_length ${length} out of range`);
        return;
      }
      if (this.buf.length < length) return;
      const pdu = this.buf.subarray(0, length);
      this.buf = this.buf.subarray(length);
      this.onPdu(pdu);
    }
  }
}

export function header(pdu: Buffer): { commandId: number; status: number; seq: number } {
  return { commandId: pdu.readUInt32BE(4), status: pdu.readUInt32BE(8), seq: pdu.readUInt32BE(12) };
}

/** Encodes a PDU by command name. A non-zero status yields the header alone (SMPP 3.4 3.3). */
export function encode(command: string, fields: Record<string, unknown>): Buffer {
  return new smpp.PDU(command, fields).toBuffer();
}

export const Cmd = {
  bind_receiver: 0x00000001,
  bind_transmitter: 0x00000002,
  submit_sm: 0x00000004,
  deliver_sm: 0x00000005,
  unbind: 0x00000006,
  bind_transceiver: 0x00000009,
  enquire_link: 0x00000015,
  generic_nack: 0x80000000,
  submit_sm_resp: 0x80000004,
  deliver_sm_resp: 0x80000005,
  unbind_resp: 0x80000006,
  enquire_link_resp: 0x80000015,
} as const;

export const BIND_KINDS: Record<number, 'receiver' | 'transmitter' | 'transceiver'> = {
  [Cmd.bind_receiver]: 'receiver',
  [Cmd.bind_transmitter]: 'transmitter',
  [Cmd.bind_transceiver]: 'transceiver',
};

/** Masks a phone number for logs: first 3 and last 2 digits kept. */
export function maskNumber(n: string): string {
  if (n.length <= 5) return '*'.repeat(n.length);
  return `${n.slice(0, 3)}${'*'.repeat(n.length - 5)}${n.slice(-2)}`;
}
