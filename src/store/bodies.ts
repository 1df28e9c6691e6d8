/**
 * A job's stored part bodies (common.lua k_body), and the carrier's view of them: a channel asks for
 * the bodies it writes (MessageBodies, src/types.ts). Two forms, which Redis scripts carry as opaque values:
 *
 * - untagged, for a carrier whose only channel is SMPP and named as the carrier (and every job queued
 *   before carriers had channels): the body itself for one part, else each part behind its length in
 *   2 octets, big-endian. Any SMPP channel writes them.
 * - tagged: TAG, the number of body sets (1 octet), then per set its form (BodyForm, 1 octet), the
 *   number of channels that write it (1 octet), each channel's name behind its length (1 octet), then
 *   each part behind its length (2 octets). A channel gets the set that names it.
 *
 * No untagged value starts with TAG: a one-part value starts with submit_sm's service_type (a C-octet
 * string of ASCII, or its NUL), and a part's length in a multi-part value is below 0xFFFF, since a PDU is
 * at most 64 KiB with its 16-octet header (smpp/framer.ts DEFAULT_MAX_PDU_BYTES).
 */
import type { BodyForm, MessageBodies, PreparedOk, Protocol } from '../types.js';

export const TAG = Buffer.from([0xff, 0xff]);

const buf = (u: Uint8Array): Buffer => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength));

/** Untagged: the body itself for one part, else each part behind its length in 2 octets. */
export function packBodies(parts: readonly Uint8Array[]): Buffer {
  if (parts.length === 1) return buf(parts[0]!);
  let size = 0;
  for (const p of parts) size += 2 + p.byteLength;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const p of parts) {
    if (p.byteLength > 0xffff) throw new Error(`a PDU body of ${p.byteLength} octets cannot be stored`);
    out.writeUInt16BE(p.byteLength, at);
    out.set(p, at + 2);
    at += 2 + p.byteLength;
  }
  return out;
}

export function unpackBodies(packed: Buffer, n: number): Buffer[] {
  if (n === 1) return [packed];
  const parts: Buffer[] = [];
  for (let at = 0; at + 2 <= packed.length && parts.length < n;) {
    const len = packed.readUInt16BE(at);
    parts.push(packed.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  return parts;
}

/** Bodies of SMPP submit_sm: any SMPP channel writes them (every job prepared before channels had names). */
export function smppBodies(parts: readonly Uint8Array[]): MessageBodies {
  return { parts: parts.length, forChannel: (c) => (c.protocol === 'smpp' ? parts : null) };
}

export function protocolOf(form: BodyForm | number): Protocol | null {
  return form === 0x34 ? 'smpp' : form === 0x20 || form === 0x30 ? 'cmpp' : null;
}

/** Parts of a prepared job: the same on each of its channels. */
export function preparedParts(p: Pick<PreparedOk, 'parts' | 'channels'>): number {
  return p.channels === undefined ? p.parts.length : p.parts.length / p.channels.length;
}

/** The value ingest stores for a prepared job: untagged without `channels`, else tagged. */
export function packChannelBodies(p: Pick<PreparedOk, 'parts' | 'channels'>): Buffer {
  const sets = p.channels;
  if (sets === undefined) return packBodies(p.parts);
  let size = TAG.length + 1;
  for (const s of sets) {
    size += 2;
    for (const name of s.names) size += 1 + Buffer.byteLength(name);
  }
  for (const b of p.parts) size += 2 + b.byteLength;
  const out = Buffer.allocUnsafe(size);
  TAG.copy(out, 0);
  let at = TAG.length;
  out[at++] = sets.length;
  const n = preparedParts(p);
  for (let s = 0; s < sets.length; s++) {
    out[at++] = sets[s]!.form;
    out[at++] = sets[s]!.names.length;
    for (const name of sets[s]!.names) {
      const len = out.write(name, at + 1, 'utf8');
      if (len > 0xff) throw new Error(`channel name ${name} longer than 255 octets cannot be stored`);
      out[at] = len;
      at += 1 + len;
    }
    for (let i = s * n; i < (s + 1) * n; i++) {
      const b = p.parts[i]!;
      if (b.byteLength > 0xffff) throw new Error(`a PDU body of ${b.byteLength} octets cannot be stored`);
      out.writeUInt16BE(b.byteLength, at);
      out.set(b, at + 2);
      at += 2 + b.byteLength;
    }
  }
  return out;
}

/** A tagged value's bodies by channel name; null when it is not well formed (then no channel gets any). */
function unpackTagged(v: Buffer, n: number): Map<string, { protocol: Protocol; parts: Buffer[] }> | null {
  const byName = new Map<string, { protocol: Protocol; parts: Buffer[] }>();
  let at = TAG.length;
  const sets = v[at++];
  if (sets === undefined) return null;
  for (let s = 0; s < sets; s++) {
    if (at + 2 > v.length) return null;
    const protocol = protocolOf(v[at++]!);
    const names: string[] = [];
    for (let c = v[at++]!; c > 0; c--) {
      const len = v[at];
      if (len === undefined || at + 1 + len > v.length) return null;
      names.push(v.toString('utf8', at + 1, at + 1 + len));
      at += 1 + len;
    }
    const parts: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      if (at + 2 > v.length) return null;
      const len = v.readUInt16BE(at);
      if (at + 2 + len > v.length) return null;
      parts.push(v.subarray(at + 2, at + 2 + len));
      at += 2 + len;
    }
    if (protocol !== null) for (const name of names) byName.set(name, { protocol, parts });
  }
  return byName;
}

/**
 * The bodies of a stored value of `n` parts, as claim hands them to the carrier. Untagged: any SMPP
 * channel writes them. Tagged: the channel of that exact name and protocol; any other gets null.
 */
export function storedBodies(value: Buffer, n: number): MessageBodies {
  if (value.length < TAG.length || value[0] !== TAG[0] || value[1] !== TAG[1]) return smppBodies(unpackBodies(value, n));
  const byName = unpackTagged(value, n);
  return {
    parts: n,
    forChannel: (c) => {
      const set = byName?.get(c.name);
      return set !== undefined && set.protocol === c.protocol ? set.parts : null;
    },
  };
}
