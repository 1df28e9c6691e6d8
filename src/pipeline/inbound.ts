/**
 * deliver_sm / data_sm from a carrier: delivery receipts are matched in Redis in batches; MO messages
 * are reassembled, checked for opt-out keywords and pushed to the MO stream. The SMSC gets its
 * response only after Redis has the receipt or MO: on failure it gets ESME_RSYSERR and sends again
 * (issue "deliver_sm_resp is sent only after the receipt is persisted").
 */
import type { Logger } from 'pino';
import type { CarrierConfig } from '../config/types.js';
import type { Metrics } from '../obs/metrics.js';
import { RECEIPT_STATES } from '../obs/metrics.js';
import type { InboundRequest } from '../smpp/outcome.js';
import { normaliseMessageId, parseReceiptResult } from '../smpp/receipt.js';
import { decodeMo } from '../smpp/mo.js';
import { normaliseNumber } from '../route/normalise.js';
import { recordMo, type QueueStore, type ReceiptRecord } from '../store/queue-store.js';
import type { Batcher } from './batcher.js';
import { MoAssembler } from './mo-assembler.js';

const ESME_ROK = 0x00;
const ESME_RSYSERR = 0x08;

export interface InboundDeps {
  store: QueueStore;
  receipts: Batcher<ReceiptRecord, string>;
  metrics: Metrics;
  logger: Logger;
  countryCode: () => string;
  optOutKeywords: () => string[];
}

/** Full-width to half-width, case folded, punctuation and spaces dropped: "ＴＤ。" and "td" are the same word. */
export function keywordForm(text: string): string {
  return text.normalize('NFKC').toUpperCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

export class Inbound {
  private assembler = new MoAssembler();
  constructor(private d: InboundDeps) {}

  handle(carrier: CarrierConfig, req: InboundRequest): void {
    const r = parseReceiptResult(req.pdu);
    if (r.ok) {
      const rc = r.receipt;
      const state = (RECEIPT_STATES as readonly string[]).includes(rc.stat) ? rc.stat : 'other';
      this.d.metrics.receipts.inc({ carrier: carrier.name, state });
      this.d.receipts.add({ carrier: carrier.name, messageId: normaliseMessageId(rc.messageId, carrier.idFormat), stat: rc.stat, err: rc.err ?? '' })
        .then((res) => {
          if (res === 'held') this.d.metrics.receiptOrphans.inc({ carrier: carrier.name });
          req.respond(ESME_ROK);
        }, (err) => {
          this.d.logger.error({ err, carrier: carrier.name }, 'receipt not stored; asking the SMSC to resend');
          req.respond(ESME_RSYSERR);
        });
      return;
    }
    const esm = Number(req.pdu.esm_class ?? 0);
    if ((esm & 0x3c) !== 0) {
      // Marked as a receipt but unreadable: acknowledge (a resend would be as unreadable) and count it.
      this.d.metrics.receiptOrphans.inc({ carrier: carrier.name });
      this.d.logger.warn({ carrier: carrier.name, reason: r.reason }, 'unreadable delivery receipt');
      req.respond(ESME_ROK);
      return;
    }
    this.mo(carrier, req);
  }

  private mo(carrier: CarrierConfig, req: InboundRequest): void {
    let mo;
    try {
      mo = decodeMo(req.pdu);
    } catch (err) {
      this.d.logger.warn({ err, carrier: carrier.name }, 'undecodable MO');
      req.respond(ESME_ROK);
      return;
    }
    const whole = this.assembler.add(carrier.name, mo);
    if (!whole) { req.respond(ESME_ROK); return; }
    const from = normaliseNumber(whole.from, this.d.countryCode()) ?? whole.from;
    const kw = keywordForm(whole.text);
    const optedOut = this.d.optOutKeywords().some((k) => keywordForm(k) === kw);
    const event = { from, to: whole.to, text: whole.text, carrier: carrier.name, at: Date.now(), optedOut };
    recordMo(this.d.store, event, optedOut ? from : null).then(() => {
      this.d.metrics.mo.inc({ carrier: carrier.name });
      if (optedOut) this.d.metrics.optOuts.inc({ carrier: carrier.name });
      req.respond(ESME_ROK);
    }, (err) => {
      this.d.logger.error({ err, carrier: carrier.name }, 'MO not stored; asking the SMSC to resend');
      req.respond(ESME_RSYSERR);
    });
  }
}
