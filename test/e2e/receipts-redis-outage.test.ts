/**
 * deliver_sm_resp only after the receipt is persisted: while Redis is down the daemon answers
 * receipts with an error, the simulator resends them, and once Redis is back every job is delivered;
 * a receipt the simulator stopped resending comes again on the next bind.
 */
import t from 'tap';
import { FINAL, waitForEvents } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

const { srv, sim, redis, daemon, spawnDaemon } = await startStack(t, {
  aof: true, // restarted mid-test: the queue must survive it
  // Receipts 1.5 s after the response, resent every 1.5 s up to 3 times when answered with an error.
  // The second test has a carrier of its own, cucc: a resend of the first test's receipts, still due on
  // cmcc, cannot be counted as one of its refusals.
  carriers: [{ name: 'cmcc', behaviours: { receiptDelayMs: 1500, receiptRetryMs: 1500 } }, 'cucc'],
  redisOptions: { maxRetriesPerRequest: null }, ignoreRedisErrors: true, // the server is stopped on purpose
  extra: { queue: { leaseMs: 10_000 } },
});

t.test('receipts that arrive while Redis is down are refused, resent by the SMSC and then stored', async (t) => {
  const ids = ['outage-1', 'outage-2', 'outage-3'];
  for (const id of ids) await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id, to: '13800138000', text: `outage ${id}` }));
  await waitForEvents(redis, (e) => ids.every((id) => e.some((x) => x.id === id && x.state === 'submitted')));
  await srv.stop();
  await daemon.waitFor(/receipt not stored; asking the SMSC to resend/, 10_000);
  await srv.start();
  const evs = await waitForEvents(redis, (e) => ids.every((id) => e.some((x) => x.id === id && FINAL.has(x.state))), 15_000);
  for (const id of ids) t.same(evs.filter((e) => e.id === id).map((e) => e.state), ['submitted', 'delivered'], `${id}: delivered once`);
  t.ok(sim.stats().cmcc!.receipts > ids.length, 'the SMSC had to send some receipts again');
});

t.test('a receipt refused until the SMSC stops resending it arrives again on the next bind, and the job ends delivered once', async (t) => {
  // Each receipt is refused four times (first try and three resends) while Redis is down; the SMSC then
  // keeps it for the next bind, which the restarted daemon makes once Redis is back. The receipts come
  // 2 s after the responses: Redis is down by then.
  sim.setBehaviours('cucc', { receiptDelayMs: 2000, receiptRetryMs: 300, receiptAnswerTimeoutMs: 20_000 });
  const ids = ['rebind-1', 'rebind-2'];
  for (const id of ids) await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id, to: '13012345678', text: `rebind ${id}` }));
  await waitForEvents(redis, (e) => ids.every((id) => e.some((x) => x.id === id && x.state === 'submitted')));
  t.same(evsOf(await waitForEvents(redis, () => true), ids).map((e) => e.carrier), ['cucc', 'cucc'], 'sent through cucc');
  const mark = daemon.output().length;
  await srv.stop();
  // Four refusals per receipt, each answered, so the daemon holds none of them. Counting what the SMSC
  // sent instead let this pass without any redelivery: a receipt still awaiting its answer was stored by
  // the old daemon once Redis came back, and an SMSC that drops a receipt after its resends passed too.
  const refusals = () => daemon.output().slice(mark).split('\n')
    .filter((l) => l.includes('"carrier":"cucc"') && l.includes('receipt not stored; asking the SMSC to resend')).length;
  await until('every receipt refused four times', () => refusals() >= 4 * ids.length, 60_000);
  t.equal(refusals(), 4 * ids.length, 'four refusals each, no more: the SMSC stopped resending');
  const before = sim.stats().cucc!;
  await srv.start();
  daemon.kill('SIGTERM');
  await daemon.exited;
  t.same(evsOf(await waitForEvents(redis, () => true), ids).map((e) => e.state), ['submitted', 'submitted'],
    'nothing delivered before the next bind');
  const next = spawnDaemon();
  await next.waitFor(/smppd running/);
  const evs = await waitForEvents(redis, (e) => ids.every((id) => e.some((x) => x.id === id && FINAL.has(x.state))), 20_000);
  for (const id of ids) t.same(evs.filter((e) => e.id === id).map((e) => e.state), ['submitted', 'delivered'], `${id}: delivered once`);
  const after = sim.stats().cucc!;
  t.ok(after.binds > before.binds, 'the restarted daemon bound again');
  t.ok(after.receipts - before.receipts >= ids.length, `the receipts sent again on that bind (${after.receipts - before.receipts} sent)`);
});

function evsOf(evs: Record<string, any>[], ids: string[]): Record<string, any>[] {
  return evs.filter((e) => ids.includes(e.id));
}
