/**
 * `smppd optout|blacklist add|remove|check NUMBER`: the two number lists jobs are checked against.
 * Opted-out numbers get no marketing (OPTED_OUT); blacklisted numbers get nothing (BLACKLISTED).
 */
import { normaliseNumber } from '../route/normalise.js';
import type { ListOp } from '../store/job-client.js';
import { openClient } from './client.js';
import { Exit, type Io } from './io.js';

const WORDS = {
  optout: { listed: 'opted out', notListed: 'not opted out', already: 'already opted out', was: 'was not opted out' },
  blacklist: { listed: 'blacklisted', notListed: 'not blacklisted', already: 'already blacklisted', was: 'was not blacklisted' },
} as const;

export async function numberList(
  list: 'optout' | 'blacklist', a: { redis: string; prefix: string; op: ListOp; number: string }, io: Io,
): Promise<number> {
  const n = normaliseNumber(a.number);
  if (!n) { io.err(`smppd ${list}: BAD_NUMBER: ${a.number} is not a valid number`); return Exit.USAGE; }
  const opened = await openClient(a.redis, a.prefix, io, list);
  if (typeof opened === 'number') return opened;
  try {
    const r = list === 'optout' ? await opened.client.optOut(a.op, n) : await opened.client.blacklist(a.op, n);
    const w = WORDS[list];
    const said = a.op === 'check' ? (r ? w.listed : w.notListed) : a.op === 'add' ? (r ? 'added' : w.already) : (r ? 'removed' : w.was);
    io.out(`${n}: ${said}`);
    return a.op === 'check' && !r ? Exit.FAILURE : Exit.OK;
  } finally {
    await opened.close();
  }
}
