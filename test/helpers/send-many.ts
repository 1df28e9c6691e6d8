/** Carrier.sendEach with a promise per message, each message's part outcomes: what the tests await. */
import type { Carrier } from '../../src/carrier/carrier.js';
import type { ChannelOutcome } from '../../src/carrier/carrier-bind.js';
import type { MessageBodies } from '../../src/types.js';

export function sendMany(carrier: Carrier, messages: readonly MessageBodies[]): Promise<ChannelOutcome[]>[] {
  const resolvers: ((outs: ChannelOutcome[]) => void)[] = new Array(messages.length);
  const results = messages.map((_, m) => new Promise<ChannelOutcome[]>((resolve) => { resolvers[m] = resolve; }));
  carrier.sendEach(messages, (m, outs) => resolvers[m]!(outs));
  return results;
}
