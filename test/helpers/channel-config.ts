/** A carrier with channels, built by the config schema as a YAML file would be, pointed at the simulator. */
import { buildConfig } from '../../src/config/schema.js';
import type { CarrierConfig } from '../../src/config/types.js';
import type { MessageBodies } from '../../src/types.js';

/** Quick reconnects and short waits: tests wait for conditions, these only keep them short. */
const FAST = { host: '127.0.0.1', systemId: 'smppd', reconnectMinMs: 20, reconnectMaxMs: 200, bindTimeoutMs: 2000, responseTimeoutMs: 2000, throttlePauseMs: 150 };

export function channelCarrier(channels: Record<string, unknown>[], carrier: Record<string, unknown> = {}): CarrierConfig {
  return buildConfig({ carriers: [{ name: 'cm', ...FAST, ...carrier, channels }] }, {}).carriers[0]!;
}

/** A message prepared for the channels named in `bodies` only (each a list of part bodies). */
export function bodiesFor(bodies: Record<string, Uint8Array[]>): MessageBodies {
  const parts = Object.values(bodies)[0]!.length;
  return { parts, forChannel: (c) => bodies[c.name] ?? null };
}
