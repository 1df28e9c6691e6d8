/**
 * SMPP's side of the receipt leg: a deliver_sm / data_sm read into a protocol-neutral Delivery (a receipt
 * by esm_class, receipt.ts; else an MO, mo.ts), and the pipeline's answers as command_status.
 */
import type { InboundRequest } from '../session/outcome.js';
import type { Delivery, DeliveryAnswer, DeliveryReader } from '../session/delivery.js';
import { moFromFields } from './mo.js';
import { Status } from './pdu-header.js';
import { receiptFromFields } from './receipt.js';
import { readSm, smText, TruncatedSmError, type SmFields } from './sm-fields.js';

const STATUS: Record<DeliveryAnswer, number> = {
  stored: Status.ESME_ROK,
  // A transient error: the SMSC sends the PDU again later.
  later: Status.ESME_RSYSERR,
  'bad-length': Status.ESME_RINVMSGLEN,
  'bad-fields': Status.ESME_RINVCMDLEN,
};

export function readSmppDelivery(frame: Buffer): Delivery {
  let f: SmFields;
  try {
    f = readSm(frame);
  } catch (err) {
    if (!(err instanceof TruncatedSmError)) throw err;
    return { kind: 'malformed', answer: err.status === Status.ESME_RINVMSGLEN ? 'bad-length' : 'bad-fields', reason: err.message };
  }
  const r = receiptFromFields(f);
  if (r.ok) return { kind: 'receipt', messageId: r.receipt.messageId, stat: r.receipt.stat, err: r.receipt.err ?? '' };
  // Any message type in esm_class bits 2-5 is no MO: kept as an unreadable receipt rather than read as text.
  if ((f.esmClass & 0x3c) !== 0) {
    let text = '';
    try { text = smText(f).text; } catch { /* the reason says enough */ }
    return { kind: 'unreadable', reason: r.reason, text };
  }
  try {
    return { kind: 'mo', mo: moFromFields(f) };
  } catch (err) {
    return { kind: 'undecodable', reason: (err as Error).message };
  }
}

export const smppDeliveries: DeliveryReader = {
  peer: 'SMSC',
  read: (req: InboundRequest) => readSmppDelivery(req.frame),
  status: (answer) => STATUS[answer],
};
