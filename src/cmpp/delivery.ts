/**
 * CMPP's side of the receipt leg: a CMPP_DELIVER read into a protocol-neutral Delivery (Registered_Delivery
 * 1: a status report, its Stat mapped by report-stat.ts; else an MO, its text by Msg_Fmt, text.ts), and the
 * pipeline's answers as DELIVER_RESP Result.
 */
import type { InboundRequest } from '../session/outcome.js';
import type { Delivery, DeliveryAnswer, DeliveryReader } from '../session/delivery.js';
import { DELIVER_RESULT } from './constants.js';
import type { CmppDeliverFields } from './inbound.js';
import { reportState } from './report-stat.js';
import { cmppText } from './text.js';

const RESULT: Record<DeliveryAnswer, number> = {
  stored: DELIVER_RESULT.ok,
  later: DELIVER_RESULT.flowControl,
  'bad-length': DELIVER_RESULT.badMessageLength,
  'bad-fields': DELIVER_RESULT.badStructure,
};

export function readCmppDelivery(d: CmppDeliverFields): Delivery {
  if (d.registeredDelivery === 1) {
    const r = d.report;
    if (!r) return { kind: 'malformed', answer: 'bad-length', reason: `a status report of ${d.content.length} octets is not this version's report` };
    const state = reportState(r.stat);
    // The handset's number is left out of the text: the orphans stream is read by people. Made only for
    // a report kept as an orphan, not for every receipt.
    const text = (): string => `Msg_Id:${r.msgId} Stat:${r.stat} Submit_time:${r.submitTime} Done_time:${r.doneTime}`;
    if (r.msgId === '0') return { kind: 'unreadable', reason: 'status report names no message (Msg_Id 0)', text: text() };
    if (!state) return { kind: 'unreadable', reason: `status report for ${r.msgId} carries no Stat`, text: text() };
    return { kind: 'receipt', messageId: r.msgId, stat: state.stat, err: state.err };
  }
  let t: ReturnType<typeof cmppText>;
  try {
    t = cmppText(d.content, d.msgFmt, d.tpUdhi);
  } catch (err) {
    return { kind: 'undecodable', reason: (err as Error).message };
  }
  const mo = { from: d.srcTerminalId, to: d.destId, text: t.text, ...(t.concat ? { concat: t.concat } : {}) };
  return t.guessed ? { kind: 'mo', mo, warning: `Msg_Fmt ${d.msgFmt} has no known text; its octets read as Latin-1` } : { kind: 'mo', mo };
}

export const cmppDeliveries: DeliveryReader = {
  peer: 'ISMG',
  read: (req: InboundRequest) => readCmppDelivery(req.pdu as CmppDeliverFields),
  status: (answer) => RESULT[answer],
};
