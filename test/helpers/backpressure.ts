/** Backpressure in session tests: write big requests until one comes back at once, refused. */
import type { SmppSession } from '../../src/smpp/session.js';
import { CommandId } from '../../src/smpp/pdu-header.js';

/** Requests of `bytes` each, at most `max`; the first answered within the same turn is the refusal. */
export async function writeUntilRefused(
  session: SmppSession, bytes: number, max: number,
): Promise<{ refused: unknown; written: number }> {
  const big = Buffer.alloc(bytes);
  let refused: unknown = null;
  let written = 0;
  for (let i = 0; i < max && refused === null; i++) {
    const o = session.request(CommandId.submit_sm, big);
    const early = await Promise.race([o, new Promise((r) => setImmediate(() => r(null)))]);
    if (early !== null) refused = early;
    else written++;
  }
  return { refused, written };
}
