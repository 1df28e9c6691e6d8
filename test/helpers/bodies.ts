/** Messages as carriers take them, from plain SMPP part bodies; and the SMPP bodies of a claimed job. */
import { smppBodies } from '../../src/store/bodies.js';
import type { MessageBodies } from '../../src/types.js';

export const SMPP_CHANNEL = { name: 'test', protocol: 'smpp' } as const;

export function smpp(messages: Uint8Array[][]): MessageBodies[] {
  return messages.map((parts) => smppBodies(parts));
}

export function smppParts(c: { bodies: MessageBodies }): Buffer[] {
  return c.bodies.forChannel(SMPP_CHANNEL)!.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
