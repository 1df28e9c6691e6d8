/**
 * queue.events 'finals': only final states write an event (common.lua events_cap); the job's states in Redis
 * are written as with 'all'.
 */
import t from 'tap';
import { buildConfig } from '../../src/config/schema.js';
import { jobOf, preparedJob } from '../helpers/prepared-job.js';
import { startStore } from '../helpers/store.js';
import { jobMget } from '../helpers/job.js';

const clock = 1_700_000_000_000;
const { redis, store } = await startStore(t, {
  prefix: 'ef:', config: { queue: { events: 'finals', maxAttempts: 2, retryBaseMs: 10, retryMaxMs: 20 } }, now: () => clock,
});
await store.recover('d1', 'tok', 'start');
const states = async (): Promise<string[]> =>
  (await redis.xrange('ef:events', '-', '+')).map(([, f]) => `${JSON.parse(f[1]!).id} ${JSON.parse(f[1]!).state}`);

t.test('with queue.events finals a job writes only its final event', async (t) => {
  await store.ingest([preparedJob('sent'), { ...preparedJob('later'), sendAt: clock + 60_000 }, preparedJob('flaky')]);
  const c = await store.claim('d1', 'tok', 'cmcc', 10);
  t.same(await store.settle('d1', [
    { act: 'ok', id: 'sent', msgIds: ['m-sent'], job: jobOf(c, 'sent') },
    { act: 'retry', id: 'flaky', code: 'SMSC_TRANSIENT', error: 'x' },
  ]), ['submitted', 'scheduled']);
  t.same(await jobMget(redis, 'ef:job:sent', 'st', 'ids'), ['submitted', '["m-sent"]'], 'the submitted state is stored as ever');
  t.same(await store.receipts([{ carrier: 'cmcc', messageId: 'm-sent', stat: 'ENROUTE', err: '000' }]), [{ status: 'interim' }]);
  t.same(await states(), [], 'no scheduled, submitted, retrying or enroute event');
  t.same((await store.receipts([{ carrier: 'cmcc', messageId: 'm-sent', stat: 'DELIVRD', err: '000' }]))[0]!.status, 'final');
  t.same(await states(), ['sent delivered'], 'the final event is written');
  t.match(JSON.parse((await redis.xrange('ef:events', '-', '+'))[0]![1][1]!), { msgIds: ['m-sent'], partStates: ['DELIVRD'] });
});

t.test('queue.events takes all or finals, all by default', async (t) => {
  const base = { redis: { url: 'redis://127.0.0.1:1' }, carriers: [{ name: 'c', host: '127.0.0.1', systemId: 'x' }] };
  t.equal(buildConfig(base).queue.events, 'all');
  t.equal(buildConfig({ ...base, queue: { events: 'finals' } }).queue.events, 'finals');
  t.throws(() => buildConfig({ ...base, queue: { events: 'some' } }), /queue\.events/);
});
