/** How a carrier's channels come from its config (docs/CHANNELS.md). */
import { failover } from './channel-schema.js';
import type { CarrierConfig, ChannelConfig, ChannelFields, FailoverConfig } from './types.js';

/** What a carrier is besides its channels. */
export type CarrierOwn = Omit<CarrierConfig, 'channels' | 'failover'> & { failover?: FailoverConfig };

/** A carrier in the carrier-level form: its own fields and one channel's, side by side. */
export type CarrierLevelForm = CarrierOwn & ChannelFields;

/**
 * A carrier written in the carrier-level form (no `channels`): one SMPP channel named as the carrier,
 * built from the channel fields written beside the carrier's own. `failover` absent: its defaults.
 */
export function withOneChannel(c: CarrierLevelForm): CarrierConfig {
  const { name, prefixes, otpWindowSlots, maxParts, signatureReserve, optOut, failover: f, ...fields } = c;
  return {
    name, prefixes, otpWindowSlots, maxParts, signatureReserve, optOut, failover: f ?? failover(undefined, 'failover'),
    channels: [{ name, protocol: 'smpp', priority: 1, weight: 1, ...fields }],
  };
}

/** A carrier written with `channels:`: they are kept in priority order (the file's order among equals). */
export function withChannels(c: CarrierOwn & { failover: FailoverConfig }, channels: ChannelConfig[]): CarrierConfig {
  const sorted = channels.map((ch, i) => ({ ch, i })).sort((a, b) => a.ch.priority - b.ch.priority || a.i - b.i).map((x) => x.ch);
  return { ...c, channels: sorted };
}
