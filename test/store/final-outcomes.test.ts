import t from 'tap';
import { InboundStore } from '../../src/store/inbound-store.js';
import { startStore } from '../helpers/store.js';
import { jobOf, preparedJob } from '../helpers/prepared-job.js';

let clock = 1_700_000_000_000;
const { cfg, redis, store } = await startStore(t, {
  prefix: 'f:', config: { queue: { maxAttempts: 2, earlyReceiptMs: 1000 } }, now: () => clock,
});
const tally = new Map<string, number>();
store.onFinals = (carrier, cls, state, n) => {
  const k = `${carrier} ${cls} ${state}`;
  tally.set(k, (tally.get(k) ?? 0) + n);
};
const inbound = new InboundStore(store, () => cfg, () => clock);
await store.recover('d1', 'tok', 'start');

/** Final events in the stream, as 'carrier state' -> count (events carry no class; a rejected event no carrier). */
async function finalEvents(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const [, f] of await redis.xrange('f:events', '-', '+')) {
    const e = JSON.parse(f[1]!) as { state: string; carrier?: string };
    if (!['delivered', 'undeliverable', 'expired', 'rejected', 'failed', 'unknown', 'unconfirmed'].includes(e.state)) continue;
    const k = `${e.carrier ?? ''} ${e.state}`;
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}
function tallyByCarrierState(): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, n] of tally) {
    const [car, , state] = k.split(' ');
    const key = state === 'rejected' ? ' rejected' : `${car} ${state}`;
    out.set(key, (out.get(key) ?? 0) + n);
  }
  return out;
}
const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => a.localeCompare(b));

async function submit(id: string, msgId: string, cls: 'otp' | 'transactional' = 'transactional'): Promise<void> {
  await store.ingest([{ ...preparedJob(id), class: cls }]);
  const claimed = await store.claim('d1', 'tok', 'cmcc', 10);
  await store.settle('d1', [{ act: 'ok', id, msgIds: [msgId], job: jobOf(claimed, id) }]);
}

t.test('every script that ends a job reports it once, by carrier, class and state, and nothing else', async (t) => {
  // ingest: a bad job (no carrier yet), a care refusal with its class; a replay of the same entry is not counted again.
  const bad = { ok: false as const, id: 'bad-1', code: 'BAD_NUMBER' as const, error: 'no', entryId: '900-0' };
  await store.ingest([bad]);
  await store.ingest([bad]);
  await redis.sadd('f:blacklist', '+8613800138999');
  await store.ingest([{ ...preparedJob('black'), to: '+8613800138999', class: 'marketing' }]);
  t.same(Object.fromEntries(tally), { '  rejected': 1, 'cmcc marketing rejected': 1 }, 'ingest: rejections');

  // claim: an expired job ends there.
  await store.ingest([{ ...preparedJob('old'), expiresAt: clock - 1 }]);
  t.same(await store.claim('d1', 'tok', 'cmcc', 10), []);
  t.equal(tally.get('cmcc transactional expired'), 1, 'claim: expired');

  // settle: permanent failure, retries exhausted (2 attempts), unknown.
  for (const id of ['perm', 'trans', 'lost']) await store.ingest([preparedJob(id)]);
  let claimed = await store.claim('d1', 'tok', 'cmcc', 10);
  t.equal(claimed === 'lease-lost' ? 0 : claimed.length, 3);
  await store.settle('d1', [{ act: 'fail', id: 'perm', code: 'SMSC_REJECTED', error: 'x' },
    { act: 'retry', id: 'trans', code: 'SMSC_TRANSIENT', error: 'y' }, { act: 'unknown', id: 'lost' }]);
  t.equal(tally.get('cmcc transactional failed'), 1, 'settle: a permanent error');
  t.equal(tally.get('cmcc transactional unknown'), 1, 'settle: no answer');
  clock += 60_000;
  claimed = await store.claim('d1', 'tok', 'cmcc', 10);
  await store.settle('d1', [{ act: 'retry', id: 'trans', code: 'SMSC_TRANSIENT', error: 'y' }]);
  t.equal(tally.get('cmcc transactional failed'), 2, 'settle: retries exhausted');

  // receipt: delivered and undeliverable; a resent receipt is not counted again.
  await submit('ok-otp', 'm-1', 'otp');
  await submit('undeliv', 'm-2');
  await store.receipts([{ carrier: 'cmcc', messageId: 'm-1', stat: 'DELIVRD', err: '000' },
    { carrier: 'cmcc', messageId: 'm-2', stat: 'UNDELIV', err: '001' }]);
  await store.receipts([{ carrier: 'cmcc', messageId: 'm-1', stat: 'DELIVRD', err: '000' }]);
  t.equal(tally.get('cmcc otp delivered'), 1, 'receipt: delivered, once');
  t.equal(tally.get('cmcc transactional undeliverable'), 1, 'receipt: undeliverable');

  // settle applies an early receipt (it came before the response).
  t.same(await store.receipts([{ carrier: 'cmcc', messageId: 'm-3', stat: 'EXPIRED', err: '000' }]), [{ status: 'held' }]);
  await submit('early', 'm-3');
  t.equal(tally.get('cmcc transactional expired'), 2, 'settle: an early receipt ends its job');

  // receipt-sweep: an early receipt whose mapping arrived by another path is applied on its last try.
  await store.ingest([preparedJob('swept')]);
  claimed = await store.claim('d1', 'tok', 'cmcc', 10);
  t.same(await store.receipts([{ carrier: 'cmcc', messageId: 'm-4', stat: 'DELIVRD', err: '000' }]), [{ status: 'held' }]);
  const day = Math.floor(clock / 86_400_000);
  await redis.hset(`f:{cmcc}:dlr:${day}`, 'm-4', 'swept:1');
  await redis.hset('f:job:swept', 'st', 'submitted', 'sub', String(clock));
  await redis.hdel('f:inflight:d1', 'swept');
  clock += 5000;
  t.match(await inbound.sweepReceipts(['cmcc']), [{ carrier: 'cmcc', applied: 1 }]);
  t.equal(tally.get('cmcc transactional delivered'), 1, 'receipt-sweep: delivered');

  // dlr-sweep: a job whose receipt never came ends unconfirmed once its receipt can no longer match.
  await submit('silent', 'm-5');
  clock += (cfg.queue.receiptTtlDays + 2) * 86_400_000;
  t.match(await inbound.sweepUnconfirmed(['cmcc']), [{ carrier: 'cmcc', ended: 1 }]);
  t.equal(tally.get('cmcc transactional unconfirmed'), 1, 'dlr-sweep: unconfirmed');

  // recover: a job left in S by a dead daemon ends unknown.
  await store.ingest([{ ...preparedJob('orphaned'), class: 'marketing' }]);
  await store.claim('d1', 'tok', 'cmcc', 10);
  await redis.del('f:lease:d1'); // the dead daemon's lease lapsed: a new one with its id may start
  await store.recover('d1', 'tok2', 'start');
  t.equal(tally.get('cmcc marketing unknown'), 1, 'recover: unknown');

  t.same(sorted(tallyByCarrierState()), sorted(await finalEvents()), 'the counts equal the final events, per carrier and state');
});
