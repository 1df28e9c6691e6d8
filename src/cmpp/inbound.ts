/**
 * What a CMPP session does with a request the ISMG sends: answer CMPP_ACTIVE_TEST, answer CMPP_TERMINATE
 * and close, hand CMPP_DELIVER to the application (answered later, once persisted); a command an ISMG
 * never sends breaks the protocol.
 */
import type { InboundRequest } from '../session/outcome.js';
import type { ProtocolPeer } from '../session/protocol.js';
import { encodeActiveTestResp, encodeEmpty, type CmppPdu } from './codec.js';
import { DELIVER_RESULT, type CmppVersion } from './constants.js';
import { decodeReport, encodeDeliverResp, type CmppDeliver, type CmppReport } from './deliver.js';
import { msgIdToDecimal } from './msg-id.js';

export function serveCmppRequest(v: CmppVersion, frame: Buffer, pdu: CmppPdu, peer: ProtocolPeer): void {
  if (pdu.command === 'active_test') {
    peer.write(encodeActiveTestResp(pdu.seq));
  } else if (pdu.command === 'terminate') {
    peer.write(encodeEmpty('terminate_resp', pdu.seq));
    peer.loggedOut('CMPP_TERMINATE by ISMG');
  } else if (pdu.command === 'deliver') {
    serveDeliver(v, frame, pdu.seq, pdu.body, peer);
  } else {
    peer.fail(`CMPP_${pdu.command.toUpperCase()} is not a request an ISMG sends`);
  }
}

/**
 * A CMPP_DELIVER as its InboundRequest's `pdu`: Registered_Delivery 1 carries a status report (`report`,
 * null when its content is not one of this version's), 0 an MO. `msgId`, of the DELIVER and of the
 * report, is the canonical decimal.
 */
export interface CmppDeliverFields extends Omit<CmppDeliver, 'msgId'> {
  command: 'deliver';
  seq: number;
  msgId: string;
  report: CmppReport | null;
}

function serveDeliver(v: CmppVersion, frame: Buffer, seq: number, d: CmppDeliver, peer: ProtocolPeer): void {
  // Field by field, in the DELIVER's order: `{ ...d, msgId }` overwrote a key the spread had made, which
  // left V8 a dictionary of some 2 KB per receipt (BENCHMARKS-HISTORY.md, "Twelfth round", change 48).
  const pdu: CmppDeliverFields = {
    msgId: msgIdToDecimal(d.msgId), destId: d.destId, serviceId: d.serviceId, tpPid: d.tpPid, tpUdhi: d.tpUdhi,
    msgFmt: d.msgFmt, srcTerminalId: d.srcTerminalId, srcTerminalType: d.srcTerminalType,
    registeredDelivery: d.registeredDelivery, content: d.content, linkId: d.linkId,
    command: 'deliver',
    seq,
    report: d.registeredDelivery === 1 ? decodeReport(v, d.content) : null,
  };
  let answered = false;
  const request: InboundRequest = {
    frame,
    pdu,
    command: 'deliver',
    respond: (result) => {
      if (answered) return;
      answered = true;
      peer.write(encodeDeliverResp(v, seq, d.msgId, result));
    },
  };
  try {
    // Nobody can persist it: flow control makes the ISMG deliver it again later.
    if (!peer.deliver(request)) request.respond(DELIVER_RESULT.flowControl);
  } catch (err) {
    peer.fail(`deliver listener threw: ${(err as Error).message}`);
  }
}
