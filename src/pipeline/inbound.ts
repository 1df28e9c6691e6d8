/**
 * Deliveries from a carrier's channels (SMPP deliver_sm / data_sm, CMPP_DELIVER), read by the channel's
 * protocol into one protocol-neutral form (src/session/delivery.ts): delivery receipts are matched in
 * Redis in batches; MO messages are reassembled, checked for opt-out keywords and pushed to the MO stream.
 * The peer gets its answer only after Redis has the receipt or MO: on failure it is asked to deliver it
 * again later (SMPP ESME_RSYSERR, CMPP Result 8). Nothing is dropped: an unreadable receipt goes to the
 * orphans stream with its text, an unmatched one after queue.earlyReceiptMs (sweep()), an incomplete MO
 * as partial after queue.moPartialMs.
 */
import type { Logger } from 'pino';
import type { CarrierConfig, ChannelConfig } from '../config/types.js';
import type { Metrics } from '../obs/metrics.js';
import { RECEIPT_STATES } from '../obs/metrics.js';
import type { InboundRequest } from '../session/outcome.js';
import type { Delivery, DeliveryAnswer, DeliveryReader } from '../session/delivery.js';
import { smppDeliveries } from '../smpp/delivery.js';
import { cmppDeliveries } from '../cmpp/delivery.js';
import { normaliseNumber } from '../route/normalise.js';
import type { ReceiptOutcome, ReceiptRecord } from '../store/queue-store.js';
import type { InboundStore } from '../store/inbound-store.js';
import type { Mo, Protocol } from '../types.js';
import type { Batcher } from './batcher.js';
import { MoAssembler } from './mo-assembler.js';
import { receiptKey } from './receipt-ids.js';

/** How each protocol reads a delivery and writes its answer. */
const READERS: Record<Protocol, DeliveryReader> = { smpp: smppDeliveries, cmpp: cmppDeliveries };

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

type Answer = (a: DeliveryAnswer) => void;

export class Inbound {
  private assembler: MoAssembler;
  /** The sweep going on now: stopSweep() hands it back so the daemon closes Redis only after it. */
  private sweeping: Promise<void> | undefined;
  private sweepStopped = false;
  constructor(private d: InboundDeps) {
    this.assembler = new MoAssembler(d.inboundStore);
  }

  /** A delivery that came on `channel` of `carrier`; answered through `req` once stored (or refused). */
  handle(carrier: CarrierConfig, channel: ChannelConfig, req: InboundRequest): void {
    const reader = READERS[channel.protocol];
    const answer: Answer = (x) => req.respond(reader.status(x));
    const d: Delivery = reader.read(req);
    const name = carrier.name;
    switch (d.kind) {
      case 'receipt': this.receipt(name, channel, d.messageId, d.stat, d.err, answer, reader.peer); return;
      case 'unreadable': this.unreadable(name, channel, d.reason, d.text, answer, reader.peer); return;
      case 'malformed':
        // Refused, not stored as an empty or clipped message. A well-framed PDU, so the session stays.
        this.d.logger.warn({ carrier: name, channel: channel.name, reason: d.reason, status: reader.status(d.answer) }, `${req.command} malformed, refused`);
        answer(d.answer);
        return;
      case 'undecodable':
        this.d.logger.warn({ carrier: name, channel: channel.name, reason: d.reason }, 'undecodable MO');
        answer('stored');
        return;
      case 'mo':
        if (d.warning) this.d.logger.warn({ carrier: name, channel: channel.name, reason: d.warning }, 'MO text read by a guess');
        this.mo(name, channel, d.mo, answer).catch((err: unknown) => {
          this.d.logger.error({ err, carrier: name, channel: channel.name }, `MO not stored; asking the ${reader.peer} to resend`);
          answer('later');
        });
    }
  }

  private receipt(name: string, channel: ChannelConfig, rawId: string, stat: string, err: string, answer: Answer, peer: string): void {
    const m = this.d.metrics;
    // A callback, not a promise and two closures, per receipt (Batcher.push).
    this.d.receipts.push({ carrier: name, messageId: receiptKey(name, channel, rawId, 'receipt'), stat, err }, (ok, res, e) => {
      if (!ok || res === undefined) {
        this.d.logger.error({ err: e, carrier: name, channel: channel.name }, `receipt not stored; asking the ${peer} to resend`);
        answer('later');
        return;
      }
      m.receiptCounts.add(name, (RECEIPT_STATES as readonly string[]).includes(stat) ? stat : 'other');
      if (res.status === 'held') m.receiptsHeld.inc({ carrier: name });
      if (res.status === 'final') m.receiptLatency.observe({ carrier: name }, res.latencyMs / 1000);
      answer('stored');
    });
  }

  /** Marked as a receipt but naming no message or state: kept in the orphans stream (a resend would read the same). */
  private unreadable(name: string, channel: ChannelConfig, reason: string, text: string, answer: Answer, peer: string): void {
    this.d.logger.warn({ carrier: name, channel: channel.name, reason }, 'unreadable delivery receipt kept as an orphan');
    this.d.inboundStore.orphan({ carrier: name, reason: 'unreadable', text }).then(() => {
      this.d.metrics.receiptOrphans.inc({ carrier: name, reason: 'unreadable' });
      answer('stored');
    }, (e: unknown) => {
      this.d.logger.error({ err: e, carrier: name, channel: channel.name }, `orphan receipt not stored; asking the ${peer} to resend`);
      answer('later');
    });
  }

  private async mo(name: string, channel: ChannelConfig, mo: Mo, answer: Answer): Promise<void> {
    const from = normaliseNumber(mo.from, this.d.countryCode()) ?? mo.from;
    const whole = await this.assembler.add(name, from, mo);
    if (whole === 'wait' || whole === 'dup') { answer('stored'); return; }
    const kw = keywordForm(whole.text);
    const optedOut = this.d.optOutKeywords().some((k) => keywordForm(k) === kw);
    const event = { from, to: whole.to, text: whole.text, carrier: name, channel: channel.name, at: (this.d.now ?? Date.now)(), optedOut };
    await this.d.inboundStore.recordMo(event, optedOut ? from : null, whole.done);
    this.d.metrics.mo.inc({ carrier: name });
    if (optedOut) this.d.metrics.optOuts.inc({ carrier: name });
    answer('stored');
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
