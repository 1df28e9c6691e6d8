/**
 * What a session does with a request the SMSC sends: answer keep-alives and unbind, hand
 * deliver_sm / data_sm to the application (answered later, once persisted), refuse the rest.
 */
import type { InboundRequest } from './outcome.js';
import { encodePdu, encodeResponseFor, type DecodedPdu } from './pdu-codec.js';
import { Status, hex32 } from './pdu-header.js';

export interface InboundPeer {
  write(buf: Buffer): void;
  /** The SMSC unbound (already answered): close after flushing. */
  unbound(): void;
  /** False when nobody listens for deliveries. May throw (a listener's bug). */
  deliver(req: InboundRequest): boolean;
  /** A listener threw: the session cannot trust its state any more. */
  fail(reason: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
}

export function serveRequest(pdu: DecodedPdu, peer: InboundPeer): void {
  const { command, sequence_number: seq } = pdu;
  if (command === 'enquire_link') {
    peer.write(encodeResponseFor(command, seq, Status.ESME_ROK));
  } else if (command === 'unbind') {
    peer.write(encodeResponseFor(command, seq, Status.ESME_ROK));
    peer.unbound();
  } else if (command === 'deliver_sm' || command === 'data_sm') {
    deliver(pdu, peer);
  } else if (command !== 'alert_notification') {
    // alert_notification has no response (SMPP 3.4 §4.12.1); anything else we do not serve is refused.
    peer.warn({ command, commandId: hex32(pdu.command_id) }, 'unsupported request, generic_nack');
    peer.write(encodePdu('generic_nack', seq, {}, Status.ESME_RINVCMDID));
  }
}

function deliver(pdu: DecodedPdu, peer: InboundPeer): void {
  let answered = false;
  const request: InboundRequest = {
    pdu,
    command: pdu.command,
    respond: (status, fields) => {
      if (answered) return;
      answered = true;
      peer.write(encodeResponseFor(pdu.command, pdu.sequence_number, status, fields));
    },
  };
  try {
    // Nobody can persist it: a transient error makes the SMSC deliver it again later.
    if (!peer.deliver(request)) request.respond(Status.ESME_RX_T_APPN);
  } catch (err) {
    peer.fail(`deliver listener threw: ${(err as Error).message}`);
  }
}
