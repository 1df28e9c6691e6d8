/**
 * CMPP Msg_Ids as an ISMG makes them: the China Standard Time of issue (month to second), the ISMG's
 * 22-bit code and a 16-bit sequence. One source serves every CMPP carrier of a simulator, so ids stay
 * unique across carriers as long as fewer than 65 536 are issued in one second.
 */
import { randomInt } from 'node:crypto';
import { msgIdToDecimal, packMsgId } from '../cmpp/msg-id.js';

const CST_OFFSET_MS = 8 * 3600_000;

export interface CmppId {
  bytes: Buffer;
  /** The canonical decimal form, as smppd and SimSubmit.msgId carry it. */
  decimal: string;
}

export class CmppIdSource {
  /** Random per run, so ids from two simulator runs rarely collide in a long-lived Redis. */
  readonly ismg: number;
  private sequence: number;

  constructor(ismg = randomInt(1, 1 << 22), sequence = randomInt(0, 1 << 16)) {
    this.ismg = ismg;
    this.sequence = sequence;
  }

  take(nowMs = Date.now()): CmppId {
    const d = new Date(nowMs + CST_OFFSET_MS);
    this.sequence = (this.sequence + 1) & 0xffff;
    const bytes = packMsgId({
      month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(),
      minute: d.getUTCMinutes(), second: d.getUTCSeconds(), ismg: this.ismg, sequence: this.sequence,
    });
    return { bytes, decimal: msgIdToDecimal(bytes) };
  }
}

/** YYMMDDHHMM in China Standard Time: Submit_time and Done_time of a status report. */
export function cstMinute(nowMs: number): string {
  const d = new Date(nowMs + CST_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}
