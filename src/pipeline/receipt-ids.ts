/**
 * One canonical form per message id, so the id a channel's peer wrote in its answer to a submit and the id
 * it writes in a receipt meet in the same Redis field, and one key per channel, so two channels of a
 * carrier never match each other's parts. Both sides (settle: the id a part's receipt mapping is written
 * under; inbound: the id a receipt is looked up by) go through receiptKey().
 *
 * An SMPP channel's `idFormat` says how its two sides relate:
 *
 *   as-sent  the receipt repeats the response's id (compared trimmed, case kept)
 *   hex      both sides are hex numbers; case, leading zeros and "0x" do not matter
 *   decimal  the response writes a hex number, the receipt writes the same number in decimal
 *            (seen on several SMSCs; "1A2B" in the response, "6699" in the receipt)
 *
 * A fixed rule per side, not a guess per id: an all-digit id is a valid hex and a valid decimal string,
 * so guessing could match a receipt to another message. A CMPP Msg_Id is eight octets the session already
 * writes as one canonical decimal on both sides (src/cmpp/msg-id.ts), so `idFormat` does not apply to it.
 */
import type { ChannelConfig, IdFormat } from '../config/types.js';

/** Which side of the exchange wrote the id: the answer to a submit, or a receipt. */
export type IdSide = 'response' | 'receipt';

/**
 * The canonical form: lower-case hex without leading zeros for 'hex' and 'decimal', the trimmed id for
 * 'as-sent'. Ids that do not parse stay trimmed.
 */
export function normaliseMessageId(id: string, format: IdFormat): string {
  const s = id.replace(/\0+$/, '').trim();
  if (format === 'as-sent' || s === '') return s;
  if (format === 'hex' && /^(0x)?[0-9a-f]+$/i.test(s)) return BigInt(s.startsWith('0x') || s.startsWith('0X') ? s : `0x${s}`).toString(16);
  if (format === 'decimal' && /^[0-9]+$/.test(s)) return BigInt(s).toString(16);
  return s;
}

/** Canonical form of the id in a submit_sm_resp. */
export function responseId(id: string, format: IdFormat): string {
  return normaliseMessageId(id, format === 'as-sent' ? 'as-sent' : 'hex');
}

/** Canonical form of the id a receipt names (receipted_message_id TLV or the text's id:). */
export function receiptId(id: string, format: IdFormat): string {
  return normaliseMessageId(id, format);
}

/**
 * The field a part's receipt mapping is written under (`side` 'response') and a receipt is looked up by
 * (`side` 'receipt'), in the carrier's `{carrier}:dlr:<day>` hashes. A channel named as its carrier keys
 * by the canonical id alone, as every carrier did when it had one channel, so receipts of parts sent before
 * an upgrade still match; any other channel by `<channel>:<id>`, so two SMSCs of one carrier that hand out
 * the same id never match each other's parts.
 */
export function receiptKey(
  carrier: string, channel: Pick<ChannelConfig, 'name' | 'protocol' | 'idFormat'>, rawId: string, side: IdSide,
): string {
  const format = channel.protocol === 'cmpp' ? 'as-sent' : channel.idFormat;
  const id = side === 'response' ? responseId(rawId, format) : receiptId(rawId, format);
  return channel.name === carrier ? id : `${channel.name}:${id}`;
}
