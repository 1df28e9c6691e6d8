/**
 * Message ids, unique across the whole simulator (all carriers share one counter) so a test
 * can map any receipt back to exactly one submit. The counter starts at a random 10-digit base
 * so ids from two simulator runs rarely collide in a long-lived Redis.
 */
import { randomInt } from 'node:crypto';

export interface IdPair {
  /** The id as written in submit_sm_resp. */
  resp: string;
  /** The id as written in the receipt. */
  receipt: string;
}

export type IdStyle = { hexIds?: boolean; receiptIdFormat?: 'same' | 'decimal-of-hex' };

export class IdSource {
  private next: number;

  constructor(base = 1_000_000_000 + randomInt(0, 8_000_000_000)) {
    this.next = base;
  }

  take(style: IdStyle): IdPair {
    const n = this.next++;
    const decimal = String(n);
    const hex = n.toString(16).toUpperCase();
    const resp = style.hexIds ? hex : decimal;
    // 'decimal-of-hex': the resp says "1A2B", the receipt says "6699" (seen on several SMSCs).
    const receipt = style.hexIds && style.receiptIdFormat === 'decimal-of-hex' ? decimal : resp;
    return { resp, receipt };
  }
}
