/**
 * Decoding and (non-hot-path) encoding through the `smpp` package's codec. Its decoder throws on
 * malformed input; every throw becomes a BAD_PDU result here so a peer's garbage can never crash us.
 */
import smpp from 'smpp';
import { HEADER_BYTES } from './pdu-header.js';
import { DEFAULT_MAX_PDU_BYTES } from './framer.js';

export type DecodedPdu = Record<string, any> & {
  command: string;
  command_id: number;
  command_status: number;
  sequence_number: number;
};

export type DecodeResult = { ok: true; pdu: DecodedPdu } | { ok: false; reason: string };

/**
 * The package refuses PDUs above its own static limit (16384); our framer enforces the configured
 * maximum, so the codec's limit is only ever raised to match it.
 */
export function allowPduBytes(maxPduBytes: number): void {
  if (smpp.PDU.maxLength < maxPduBytes) smpp.PDU.maxLength = maxPduBytes;
}
allowPduBytes(DEFAULT_MAX_PDU_BYTES);

/** Decodes one whole frame (as cut by the Framer). Never throws. */
export function decodePdu(frame: Buffer): DecodeResult {
  try {
    const pdu = new smpp.PDU(frame) as unknown as DecodedPdu;
    return { ok: true, pdu };
  } catch (err) {
    return { ok: false, reason: `undecodable PDU: ${(err as Error).message}` };
  }
}

/** Encodes a whole PDU (header included). Throws on an unknown command or bad field: a bug of ours. */
export function encodePdu(command: string, seq: number, fields: Record<string, any> = {}, status = 0): Buffer {
  const pdu = new smpp.PDU(command, { ...fields, sequence_number: seq, command_status: status });
  return pdu.toBuffer();
}

/** Encodes only the body of a request, for `SmppSession.request()` (tests, rare commands). */
export function encodeBody(command: string, fields: Record<string, any> = {}): Buffer {
  return encodePdu(command, 1, fields).subarray(HEADER_BYTES);
}

/** The response to a decoded request (generic_nack for an unknown command), encoded. */
export function encodeResponse(request: DecodedPdu, status: number, fields: Record<string, any> = {}): Buffer {
  return encodeResponseFor(request.command, request.sequence_number, status, fields);
}

export function encodeResponseFor(
  command: string,
  seq: number,
  status: number,
  fields: Record<string, any> = {},
): Buffer {
  const respCommand = command === 'unknown' || !((command + '_resp') in smpp.commands) ? 'generic_nack' : command + '_resp';
  // A non-zero command_status makes the package drop the body, which SMPP 3.4 §4 permits.
  return encodePdu(respCommand, seq, fields, status);
}
