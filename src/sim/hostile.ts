/**
 * Hostile answers: SMSC behaviours that look like answers but prove nothing (a generic_nack with
 * status 0, an "accepted" without a message id, another command under the submit's sequence number,
 * a frame that never finishes) and an MO cut short. Each is one named behaviour (types.ts).
 */
import type { SimConnection } from './connection.js';
import type { TimerSet } from './timers.js';
import type { SimBehaviours } from './types.js';
import { Cmd, encode } from './wire.js';

/** The first 16 bytes of a submit_sm_resp that claims this many bytes of message_id it never sends in full. */
const TRICKLE_ID_BYTES = 64;

/** Answers a submit_sm as the hostile behaviour in force says; false when none is. */
export function hostileAnswer(b: SimBehaviours, conn: SimConnection, seq: number, timers: TimerSet): boolean {
  if (b.nackZero) conn.write(encode('generic_nack', { sequence_number: seq, command_status: 0 }));
  else if (b.respNoId) conn.write(headerOnly(Cmd.submit_sm_resp, seq));
  else if (b.respWrongCommand) conn.write(encode('enquire_link_resp', { sequence_number: seq }));
  else if (b.trickleMs && b.trickleMs > 0) trickle(conn, seq, b.trickleMs, timers);
  else return false;
  return true;
}

/** A PDU of 16 bytes, status 0: a submit_sm_resp like this has no message_id at all. */
function headerOnly(commandId: number, seq: number): Buffer {
  const buf = Buffer.alloc(16);
  buf.writeUInt32BE(16, 0);
  buf.writeUInt32BE(commandId >>> 0, 4);
  buf.writeUInt32BE(seq, 12);
  return buf;
}

/**
 * A submit_sm_resp header, then one byte of its body every `everyMs`, never the last one: the stream is
 * stuck on this frame, so the connection's later submits are not answered either. Once per connection.
 */
function trickle(conn: SimConnection, seq: number, everyMs: number, timers: TimerSet): void {
  if (conn.trickling) return;
  conn.trickling = true;
  const length = 16 + TRICKLE_ID_BYTES;
  const head = Buffer.alloc(16);
  head.writeUInt32BE(length, 0);
  head.writeUInt32BE(Cmd.submit_sm_resp >>> 0, 4);
  head.writeUInt32BE(seq, 12);
  conn.write(head);
  let sent = 16;
  const drip = (): void => {
    if (conn.status === 'closed' || sent >= length - 1) return;
    conn.write(Buffer.from('7'));
    sent++;
    timers.later(everyMs, drip);
  };
  timers.later(everyMs, drip);
}

/** A deliver_sm whose short_message ends one octet before its sm_length says (the last field: no TLVs). */
export function truncateSm(pdu: Buffer): Buffer {
  const out = Buffer.from(pdu.subarray(0, pdu.length - 1));
  out.writeUInt32BE(out.length, 0);
  return out;
}
