/**
 * deliver_sm / data_sm from a carrier: delivery receipts are matched in Redis in batches; MO messages
 * are reassembled, checked for opt-out keywords and pushed to the MO stream. The SMSC gets its
 * response only after Redis has the receipt or MO: on failure it gets ESME_RSYSERR and sends again
 * (issue "deliver_sm_resp is sent only after the receipt is persisted"). Nothing is dropped: an
 * unreadable receipt goes to the orphans stream with its text, an unmatched one after
 * queue.earlyReceiptMs (sweep()), an incomplete MO as partial after queue.moPartialMs.
 */
import type { Logger } from 'pino';
import type { CarrierConfig, ChannelConfig } from '../config/types.js';
import type { Metrics } from '../obs/metrics.js';
import { RECEIPT_STATES } from '../obs/metrics.js';
import type { InboundRequest } from '../session/outcome.js';
import { receiptFromFields } from '../smpp/receipt.js';
import { moFromFields, readSm, smText, TruncatedSmError, type SmFields } from '../smpp/mo.js';
import { normaliseNumber } from '../route/normalise.js';
import type { ReceiptOutcome, ReceiptRecord } from '../store/queue-store.js';
import type { InboundStore } from '../store/inbound-store.js';
import type { Batcher } from './batcher.js';
import { MoAssembler } from './mo-assembler.js';
import { receiptId } from './receipt-ids.js';

const ESME_ROK = 0x00;
const ESME_RSYSERR = 0x08;

export interface InboundDeps {
  inboundStore: InboundStore;
  receipts: Batcher<ReceiptRecord, ReceiptOutcome>;
  metrics: Metrics;
  logger: Logger;
  countryCode: () => string;
  optOutKeywords: () => string[];
  /** The daemon's clock (SMPPD_CLOCK_OFFSET_MS shifts it), for the MO event's `at`; default Date.now. */
  now?: () => number;
}

/** Full-width to half-width, case folded, punctuation and spaces dropped: "ＴＤ。" and "td" are the same word. */
export function keywordForm(text: string): string {
  return text.normalize('NFKC').toUpperCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

export class Inbound {
  private assembler: MoAssembler;
  /** The sweep going on now: stopSweep() hands it back so the daemon closes Redis only after it. */
  private sweeping: Promise<void> | undefined;
  private sweepStopped = false;
  constructor(private d: InboundDeps) {
    this.assembler = new MoAssembler(d.inboundStore);
  }

  handle(carrier: CarrierConfig, _channel: ChannelConfig, req: InboundRequest): void {
    let f: SmFields;
    try {
      f = readSm(req.frame);
    } catch (err) {
      // Cut short: refused, not stored as an empty or clipped MO. A well-framed PDU, so the session stays.
      if (!(err instanceof TruncatedSmError)) throw err;
      this.d.logger.warn({ carrier: carrier.name, reason: err.message, status: err.status }, `${req.command} cut short, refused`);
      req.respond(err.status);
      return;
    }
    const r = receiptFromFields(f);
    if (r.ok) { this.receipt(carrier, req, r.receipt.messageId, r.receipt.stat, r.receipt.err ?? ''); return; }
    if ((f.esmClass & 0x3c) !== 0) { this.unreadable(carrier, req, f, r.reason); return; }
    this.mo(carrier, req, f).catch((err: unknown) => {
      this.d.logger.error({ err, carrier: carrier.name }, 'MO not stored; asking the SMSC to resend');
      req.respond(ESME_RSYSERR);
    });
  }

  private receipt(carrier: CarrierConfig, req: InboundRequest, rawId: string, stat: string, err: string): void {
    const name = carrier.name;
    const m = this.d.metrics;
    this.d.receipts.add({ carrier: name, messageId: receiptId(rawId, carrier.idFormat), stat, err }).then((res) => {
      m.receiptCounts.add(name, (RECEIPT_STATES as readonly string[]).includes(stat) ? stat : 'other');
      if (res.status === 'held') m.receiptsHeld.inc({ carrier: name });
      if (res.status === 'final') m.receiptLatency.observe({ carrier: name }, res.latencyMs / 1000);
      req.respond(ESME_ROK);
    }, (e: unknown) => {
      this.d.logger.error({ err: e, carrier: name }, 'receipt not stored; asking the SMSC to resend');
      req.respond(ESME_RSYSERR);
    });
  }

  /** Marked as a receipt but naming no message or state: kept in the orphans stream (a resend would read the same). */
  private unreadable(carrier: CarrierConfig, req: InboundRequest, f: SmFields, reason: string): void {
    let text = '';
    try { text = smText(f).text; } catch { /* the reason says enough */ }
    this.d.logger.warn({ carrier: carrier.name, reason }, 'unreadable delivery receipt kept as an orphan');
    this.d.inboundStore.orphan({ carrier: carrier.name, reason: 'unreadable', text }).then(() => {
      this.d.metrics.receiptOrphans.inc({ carrier: carrier.name, reason: 'unreadable' });
      req.respond(ESME_ROK);
    }, (e: unknown) => {
      this.d.logger.error({ err: e, carrier: carrier.name }, 'orphan receipt not stored; asking the SMSC to resend');
      req.respond(ESME_RSYSERR);
    });
  }

  private async mo(carrier: CarrierConfig, req: InboundRequest, f: SmFields): Promise<void> {
    let mo;
    try {
      mo = moFromFields(f);
    } catch (err) {
      this.d.logger.warn({ err, carrier: carrier.name }, 'undecodable MO');
      req.respond(ESME_ROK);
      return;
    }
    const from = normaliseNumber(mo.from, this.d.countryCode()) ?? mo.from;
    const whole = await this.assembler.add(carrier.name, from, mo);
    if (whole === 'wait' || whole === 'dup') { req.respond(ESME_ROK); return; }
    const kw = keywordForm(whole.text);
    const optedOut = this.d.optOutKeywords().some((k) => keywordForm(k) === kw);
    const event = { from, to: whole.to, text: whole.text, carrier: carrier.name, at: (this.d.now ?? Date.now)(), optedOut };
    await this.d.inboundStore.recordMo(event, optedOut ? from : null, whole.done);
    this.d.metrics.mo.inc({ carrier: carrier.name });
    if (optedOut) this.d.metrics.optOuts.inc({ carrier: carrier.name });
    req.respond(ESME_ROK);
  }

  /**
   * Periodic and cheap (two scripts, bounded work): receipts held past queue.earlyReceiptMs become
   * orphans, incomplete MOs past queue.moPartialMs are delivered as partial. One run at a time, and
   * none after stopSweep().
   */
  sweep(carriers: string[]): Promise<void> {
    if (this.sweepStopped || this.sweeping) return Promise.resolve();
    this.sweeping = this.sweepOnce(carriers).finally(() => { this.sweeping = undefined; });
    return this.sweeping;
  }

  /** No sweep script starts after this; resolves once the one in flight (if any) has answered. */
  async stopSweep(): Promise<void> {
    this.sweepStopped = true;
    await this.sweeping;
  }

  private async sweepOnce(carriers: string[]): Promise<void> {
    const m = this.d.metrics;
    try {
      for (const c of await this.d.inboundStore.sweepReceipts(carriers)) {
        if (c.orphaned > 0) {
          m.receiptOrphans.inc({ carrier: c.carrier, reason: 'unmatched' }, c.orphaned);
          this.d.logger.warn({ carrier: c.carrier, orphaned: c.orphaned }, 'receipts without a matching message moved to the orphans stream');
        }
      }
      if (this.sweepStopped) return; // the partial MOs wait for the next daemon's sweep
      for (const c of await this.d.inboundStore.sweepMo(carriers)) { m.moPartial.inc({ carrier: c }); m.mo.inc({ carrier: c }); }
    } catch (err) {
      this.d.logger.warn({ err }, 'receipt/MO sweep failed; next run retries');
    }
  }
}
