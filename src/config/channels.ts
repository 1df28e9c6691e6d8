/** How a carrier's channels come from its config (docs/CHANNELS.md). */
import { failover } from './channel-schema.js';
import type { CarrierConfig, ChannelConfig, ChannelFields, FailoverConfig } from './types.js';

/**
 * A carrier written in the carrier-level form (no `channels`): one SMPP channel named as the carrier,
 * built from the carrier's own fields. `failover` absent: its defaults.
 */
export function withOneChannel(c: Omit<CarrierConfig, 'channels' | 'failover'> & { failover?: FailoverConfig }): CarrierConfig {
  const { name, prefixes: _p, otpWindowSlots: _o, maxParts: _m, signatureReserve: _s, optOut: _x, failover: _f, ...fields } = c;
  return { ...c, failover: c.failover ?? failover(undefined, 'failover'), channels: [{ name, protocol: 'smpp', priority: 1, weight: 1, ...fields }] };
}

/**
 * A carrier written with `channels:`: they are kept in priority order (the file's order among equals),
 * and the carrier's flat channel fields are its first channel's.
 */
export function withChannels(c: Omit<CarrierConfig, 'channels' | keyof ChannelFields>, channels: ChannelConfig[]): CarrierConfig {
  const sorted = channels.map((ch, i) => ({ ch, i })).sort((a, b) => a.ch.priority - b.ch.priority || a.i - b.i).map((x) => x.ch);
  const { name: _n, protocol: _p, priority: _r, weight: _w, cmpp: _c, ...first } = sorted[0]!;
  return { ...c, ...first, channels: sorted };
}
