/**
 * A job's stored part bodies, as the carrier reads them for the channel that will write them
 * (MessageBodies, src/types.ts). Packed as common.lua k_body says.
 */
import type { MessageBodies } from '../types.js';

/** Bodies of SMPP submit_sm: any SMPP channel writes them (every job prepared before channels had names). */
export function smppBodies(parts: readonly Uint8Array[]): MessageBodies {
  return { parts: parts.length, forChannel: (c) => (c.protocol === 'smpp' ? parts : null) };
}
