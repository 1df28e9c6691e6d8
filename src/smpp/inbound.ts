/**
 * What a session does with a request the SMSC sends: answer keep-alives and unbind, hand
 * deliver_sm / data_sm to the application (serveDeliver: answered later, once persisted), refuse the rest.
 */
import type { InboundRequest } from '../session/outcome.js';
import type { ProtocolPeer } from '../session/protocol.js';
import { decodePdu, encodePdu, encodeResponseFor, type DecodedPdu } from './pdu-codec.js';
import { CommandId, Status, hex32 } from './pdu-header.js';

export function serveRequest(pdu: DecodedPdu, peer: ProtocolPeer): void {
  const { command, sequence_number: seq } = pdu;
  if (command === 'enquire_link') {
    peer.write(encodeResponseFor(command, seq, Status.ESME_ROK));
  } else if (command === 'unbind') {
    peer.write(encodeResponseFor(command, seq, Status.ESME_ROK));
    peer.loggedOut('unbind by SMSC');
  } else if (command !== 'alert_notification') {
    // alert_notification has no response (SMPP 3.4 §4.12.1); anything else we do not serve is refused.
    peer.warn({ command, commandId: hex32(pdu.command_id) }, 'unsupported request, generic_nack');
    peer.write(encodePdu('generic_nack', seq, {}, Status.ESME_RINVCMDID));
  }
}

/** True for the commands serveDeliver takes: the session hands them over undecoded. */
export function isDelivery(commandId: number): boolean {
  return commandId === CommandId.deliver_sm || commandId === CommandId.data_sm;
}

/**
 * A deliver_sm / data_sm, handed over as its frame: receipts and MOs are read from the octets
 * (src/smpp/sm-fields.ts readSm), so the package's decode, about 5 µs of the I/O thread per receipt with its
 * guess at the text's coding (a V8 profile of a 50,000-job run with receipts), is skipped.
 */
export function serveDeliver(frame: Buffer, peer: ProtocolPeer): void {
  const command = frame.readUInt32BE(4) === CommandId.data_sm ? 'data_sm' : 'deliver_sm';
  const seq = frame.readUInt32BE(12);
  let answered = false;
  let decoded: Record<string, any> | undefined;
  const request: InboundRequest = {
    frame,
    get pdu() {
      if (decoded === undefined) {
        const d = decodePdu(frame);
        decoded = d.ok ? d.pdu : { command, sequence_number: seq, undecodable: d.reason };
      }
      return decoded;
    },
    command,
    respond: (status, fields) => {
      if (answered) return;
      answered = true;
      peer.write(encodeResponseFor(command, seq, status, fields));
    },
  };
  try {
    // Nobody can persist it: a transient error makes the SMSC deliver it again later.
    if (!peer.deliver(request)) request.respond(Status.ESME_RX_T_APPN);
  } catch (err) {
    peer.fail(`deliver listener threw: ${(err as Error).message}`);
  }
}
