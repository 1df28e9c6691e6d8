/**
 * One canonical form per message id, so the id a carrier wrote in submit_sm_resp and the id it writes
 * in a receipt meet in the same Redis field. The carrier's `idFormat` says how its two sides relate:
 *
 *   as-sent  the receipt repeats the response's id (compared trimmed, case kept)
 *   hex      both sides are hex numbers; case, leading zeros and "0x" do not matter
 *   decimal  the response writes a hex number, the receipt writes the same number in decimal
 *            (seen on several SMSCs; "1A2B" in the response, "6699" in the receipt)
 *
 * A fixed rule per side, not a guess per id: an all-digit id is a valid hex and a valid decimal
 * string, so guessing could match a receipt to another message.
 */
import type { IdFormat } from '../config/types.js';
import { normaliseMessageId } from '../smpp/receipt.js';

/** Canonical form of the id in a submit_sm_resp. */
export function responseId(id: string, format: IdFormat): string {
  return normaliseMessageId(id, format === 'as-sent' ? 'as-sent' : 'hex');
}

/** Canonical form of the id a receipt names (receipted_message_id TLV or the text's id:). */
export function receiptId(id: string, format: IdFormat): string {
  return normaliseMessageId(id, format);
}
