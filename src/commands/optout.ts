/** `smppd optout add|remove|check NUMBER`: the opt-out list marketing jobs are checked against. */
import { normaliseNumber } from '../route/normalise.js';
import { SmppdClient } from '../store/job-client.js';
import { Exit, type Io } from './io.js';

export async function optout(a: { redis: string; prefix: string; op: 'add' | 'remove' | 'check'; number: string }, io: Io): Promise<number> {
  const n = normaliseNumber(a.number);
  if (!n) { io.err(`smppd optout: BAD_NUMBER: ${a.number} is not a valid number`); return Exit.USAGE; }
  const client = new SmppdClient(a.redis, { prefix: a.prefix });
  try {
    const r = await client.optOut(a.op, n);
    io.out(a.op === 'check' ? `${n}: ${r ? 'opted out' : 'not opted out'}` : `${n}: ${a.op === 'add' ? (r ? 'added' : 'already opted out') : (r ? 'removed' : 'was not opted out')}`);
    return a.op === 'check' && !r ? Exit.FAILURE : Exit.OK;
  } finally {
    await client.close();
  }
}
