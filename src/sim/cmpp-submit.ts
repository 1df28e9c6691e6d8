/**
 * What a simulated ISMG does with one CMPP_SUBMIT: record it, apply the faults in force (drop, never
 * answer, garbage, fault shares, slowness), answer with a fresh Msg_Id and Result, and schedule the
 * status report. The faults and their order are the SMPP side's (submit.ts); only the codes differ.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { SUBMIT_RESULT, type CmppVersion } from '../cmpp/constants.js';
import { MSG_ID_BYTES } from '../cmpp/msg-id.js';
import { encodeSubmitResp, type CmppSubmit } from '../cmpp/submit.js';
import type { CmppConnection } from './cmpp-connection.js';
import type { CmppIdSource } from './cmpp-ids.js';
import { cmppText } from './cmpp-text.js';
import type { ReceiptJob, ReceiptSender } from './receipts.js';
import { Status, type FaultShares } from './shares.js';
import type { TimerSet } from './timers.js';
import type { SimBehaviours, SimCarrierStats, SimSubmit } from './types.js';
import { maskNumber } from './wire.js';

/** Result for a temporary fault of the gateway's own: 14 is the first code neither version names. */
export const RESULT_TRANSIENT = 14;
/** Result for a destination refused for good: 3.0 names it (13); 2.0 has only "other error" (9). */
export const RESULT_REJECT: Record<CmppVersion, number> = { '2.0': 9, '3.0': 13 };

export interface CmppSubmitHost {
  readonly name: string;
  readonly version: CmppVersion;
  readonly behaviours: SimBehaviours;
  readonly stats: SimCarrierStats;
  readonly shares: FaultShares;
  readonly cmppIds: CmppIdSource;
  readonly submits: SimSubmit[];
  readonly keepSubmits: number;
  readonly timers: TimerSet;
  readonly receipts: ReceiptSender;
  readonly log: Logger;
  nextUndeliverable(): boolean;
}

/** The CMPP Result for the SMPP status the fault shares chose (shares.ts speaks SMPP). */
export function cmppResult(v: CmppVersion, status: number): number {
  switch (status) {
    case Status.OK: return SUBMIT_RESULT.ok;
    case Status.RTHROTTLED:
    case Status.RMSGQFUL: return SUBMIT_RESULT.flowControl;
    case Status.RINVDSTADR: return RESULT_REJECT[v];
    default: return RESULT_TRANSIENT;
  }
}

export function handleCmppSubmit(h: CmppSubmitHost, conn: CmppConnection, seq: number, s: CmppSubmit): void {
  const { text, concat } = cmppText(s.content, s.msgFmt, s.tpUdhi);
  const b = h.behaviours;
  const to = s.destTerminalIds[0] ?? '';
  const rec: SimSubmit = {
    carrier: h.name, protocol: 'cmpp', bind: conn.id, seq, msgId: '', to, from: s.srcId,
    esmClass: s.tpUdhi === 1 ? 0x40 : 0, dataCoding: s.msgFmt, text, answered: false, status: SUBMIT_RESULT.ok, at: Date.now(),
  };
  if (concat) rec.udh = concat;
  h.submits.push(rec);
  if (h.submits.length >= 2 * h.keepSubmits) h.submits.splice(0, h.submits.length - h.keepSubmits);
  h.stats.submits++;
  h.log.debug({ conn: conn.id, seq, to: maskNumber(to), parts: concat?.total ?? 1 }, 'CMPP_SUBMIT received');

  if (b.dropAfter && conn.submitsSeen % b.dropAfter === 0) return conn.destroy(`dropAfter ${b.dropAfter}`);
  if (b.neverAnswer) return;
  if (b.garbageAfter && !conn.garbageSent && conn.submitsSeen >= b.garbageAfter) {
    conn.garbageSent = true;
    return conn.write(randomBytes(64));
  }

  const result = cmppResult(h.version, h.shares.next(b));
  let msgId: Buffer = Buffer.alloc(MSG_ID_BYTES); // zero when refused, as gateways answer
  let job: ReceiptJob | undefined;
  if (result === SUBMIT_RESULT.ok) {
    const id = h.cmppIds.take();
    msgId = id.bytes;
    rec.msgId = id.decimal;
    const mode = b.receipt ?? 'on-request';
    if (mode === 'always' || (mode === 'on-request' && s.registeredDelivery === 1)) {
      job = { receiptId: id.decimal, handset: to, sender: s.srcId, text, submittedAt: rec.at, undeliverable: h.nextUndeliverable() };
    }
  }

  const answer = (): void => {
    if (conn.status === 'closed') return;
    conn.write(encodeSubmitResp(h.version, seq, msgId, result));
    rec.answered = true;
    rec.status = result;
    if (job && !b.receiptBeforeResp) {
      const j = job;
      h.timers.later(b.receiptDelayMs ?? 50, () => h.receipts.send(j));
    }
  };
  if (job && b.receiptBeforeResp) h.receipts.send(job);
  if (b.slowMs && b.slowMs > 0) h.timers.later(b.slowMs, answer);
  else answer();
}
