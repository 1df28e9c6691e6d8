/** How a carrier's channels come from its config (docs/CHANNELS.md). */
import type { CarrierConfig } from './types.js';

/**
 * A carrier written in the carrier-level form (no `channels`): one SMPP channel named as the carrier,
 * built from the carrier's own fields.
 */
export function withOneChannel(c: Omit<CarrierConfig, 'channels'>): CarrierConfig {
  const { name, prefixes: _p, otpWindowSlots: _o, maxParts: _m, signatureReserve: _s, optOut: _x, ...fields } = c;
  return { ...c, channels: [{ name, protocol: 'smpp', priority: 1, weight: 1, ...fields }] };
}
