/**
 * CMPP_CONNECT authentication. The SP proves it knows the shared secret without sending it:
 *   AuthenticatorSource = MD5(Source_Addr + 9 zero octets + secret + Timestamp "MMDDHHMMSS")
 * and the ISMG proves the same back:
 *   AuthenticatorISMG = MD5(Status + AuthenticatorSource + secret)
 * where Status is the CONNECT_RESP Status as sent (1 octet in 2.0, 4 big-endian in 3.0).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** China Standard Time: UTC+8 all year (no daylight saving since 1991). */
const CST_OFFSET_MS = 8 * 3600_000;

/** The Timestamp of a CONNECT as its ten digits "MMDDHHMMSS", in China Standard Time. */
export function connectTimestamp(nowMs: number): string {
  const d = new Date(nowMs + CST_OFFSET_MS);
  const two = (n: number) => String(n).padStart(2, '0');
  return two(d.getUTCMonth() + 1) + two(d.getUTCDate()) + two(d.getUTCHours()) + two(d.getUTCMinutes()) + two(d.getUTCSeconds());
}

export function authenticatorSource(sourceAddr: string, secret: string, timestamp: string): Buffer {
  return createHash('md5')
    .update(Buffer.from(sourceAddr, 'latin1'))
    .update(Buffer.alloc(9))
    .update(Buffer.from(secret, 'latin1'))
    .update(Buffer.from(timestamp, 'latin1'))
    .digest();
}

export function authenticatorIsmg(status: number, statusBytes: 1 | 4, authSource: Uint8Array, secret: string): Buffer {
  const st = Buffer.alloc(statusBytes);
  if (statusBytes === 1) st.writeUInt8(status & 0xff, 0);
  else st.writeUInt32BE(status >>> 0, 0);
  return createHash('md5').update(st).update(authSource).update(Buffer.from(secret, 'latin1')).digest();
}

/** Constant-time check of the ISMG's answer: a wrong one means we reached an impostor or a typo'd secret. */
export function ismgAuthenticates(
  got: Uint8Array, status: number, statusBytes: 1 | 4, authSource: Uint8Array, secret: string,
): boolean {
  const want = authenticatorIsmg(status, statusBytes, authSource, secret);
  return got.length === want.length && timingSafeEqual(got, want);
}
