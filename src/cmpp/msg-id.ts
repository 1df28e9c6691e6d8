/**
 * CMPP Msg_Id: 8 octets the ISMG assigns, packed as (high bit first)
 *   month 4 | day 5 | hour 5 | minute 6 | second 6 | ISMG code 22 | sequence 16.
 * smppd keeps one canonical form everywhere (events, the receipt map): the unsigned 64-bit number in
 * decimal, which is how most SP platforms and carrier portals print it.
 */

export interface MsgIdParts {
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ismg: number;
  sequence: number;
}

export const MSG_ID_BYTES = 8;

/** The canonical decimal form of the 8 octets at `offset`. */
export function msgIdToDecimal(buf: Uint8Array, offset = 0): string {
  const view = new DataView(buf.buffer, buf.byteOffset + offset, MSG_ID_BYTES);
  return view.getBigUint64(0).toString();
}

/** The 8 octets of a canonical id; null when it is not an unsigned 64-bit decimal. */
export function msgIdFromDecimal(id: string): Buffer | null {
  if (!/^\d{1,20}$/.test(id)) return null;
  const n = BigInt(id);
  if (n > 0xffffffffffffffffn) return null;
  const out = Buffer.alloc(MSG_ID_BYTES);
  out.writeBigUInt64BE(n);
  return out;
}

export function packMsgId(p: MsgIdParts): Buffer {
  const hi =
    ((p.month & 0xf) << 28) | ((p.day & 0x1f) << 23) | ((p.hour & 0x1f) << 18) |
    ((p.minute & 0x3f) << 12) | ((p.second & 0x3f) << 6) | ((p.ismg >>> 16) & 0x3f);
  const lo = ((p.ismg & 0xffff) << 16) | (p.sequence & 0xffff);
  const out = Buffer.alloc(MSG_ID_BYTES);
  out.writeUInt32BE(hi >>> 0, 0);
  out.writeUInt32BE(lo >>> 0, 4);
  return out;
}

export function unpackMsgId(buf: Uint8Array, offset = 0): MsgIdParts {
  const view = new DataView(buf.buffer, buf.byteOffset + offset, MSG_ID_BYTES);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  return {
    month: hi >>> 28,
    day: (hi >>> 23) & 0x1f,
    hour: (hi >>> 18) & 0x1f,
    minute: (hi >>> 12) & 0x3f,
    second: (hi >>> 6) & 0x3f,
    ismg: ((hi & 0x3f) << 16) | (lo >>> 16),
    sequence: lo & 0xffff,
  };
}
