import t from 'tap';
import { smppParts } from '../helpers/bodies.js';
import { DeadLetters } from '../../src/store/dead-letters.js';
import { startStore } from '../helpers/store.js';
import { preparedJob } from '../helpers/prepared-job.js';
import { jobField, jobHash } from '../helpers/job.js';

let clock = 1_700_000_000_000;
const { redis, store } = await startStore(t, {
  prefix: 'd:', config: { queue: { maxAttempts: 1, deadMax: 10, retentionMs: 60_000 } }, now: () => clock,
});
const dead = new DeadLetters(redis, 'd:', () => clock);
await store.recover('d1', 'tok', 'start');

/** A job of `parts` parts that fails RETRIES_EXHAUSTED on its first transient error. */
async function killed(id: string, parts = 1): Promise<void> {
  await store.ingest([preparedJob(id, parts, JSON.stringify({ order: id }))]);
  await store.claim('d1', 'tok', 'cmcc', 10);
  t.same(await store.settle('d1', [{ act: 'retry', id, code: 'SMSC_TRANSIENT', error: 'x' }]), ['failed']);
}

t.test('a retried dead letter is a new queued job with the same bodies; the failed job is untouched', async (t) => {
  await killed('two', 2);
  t.same(await redis.zrange('d:dead', 0, -1), ['two']);
  t.same(await dead.retry(['two']), [{ id: 'two', newId: 'two:r1' }]);
  t.equal(await jobField(redis, 'd:job:two', 'st'), 'failed');
  t.match(await jobHash(redis, 'd:job:two:r1'), { st: 'queued', car: 'cmcc', cls: 'transactional', n: '2', meta: '{"order":"two"}', eid: 'revived' });
  t.notOk(await jobField(redis, 'd:job:two:r1', 'att'), 'attempts start again');
  const claimed = await store.claim('d1', 'tok', 'cmcc', 10);
  t.same(claimed === 'lease-lost' ? [] : claimed.map((c) => [c.id, smppParts(c).map(String)]), [['two:r1', ['body-two-0', 'body-two-1']]]);
  t.same(await dead.retry(['two']), [{ id: 'two', skipped: 'missing' }], 'no longer a dead letter');
  t.equal(await redis.exists('d:body:two'), 0);
});

t.test('a dead letter past its retention is gone, one whose id a live job took is left alone', async (t) => {
  await killed('old');
  await redis.del('d:body:old');
  await killed('reused');
  await redis.hset('d:job:reused', 'st', 'queued');
  t.same(await dead.retry(['old', 'reused', 'never']), [
    { id: 'old', skipped: 'gone' }, { id: 'reused', skipped: 'live' }, { id: 'never', skipped: 'missing' }]);
  t.same((await dead.list(10)).map((l) => [l.id, l.retryable]), [['reused', false], ['old', false]], 'list says neither can be retried');
  t.equal(await dead.purge(['old', 'never']), 1);
  clock += 5000;
  await killed('newer');
  t.same(await dead.ids(4000), ['reused'], 'older than 4 s');
  t.same(await dead.ids(), ['reused', 'newer'], 'all, oldest first');
});

t.test('a retry id that is taken gets the next number', async (t) => {
  await killed('busy');
  await redis.hset('d:job:busy:r1', 'st', 'delivered');
  t.same(await dead.retry(['busy']), [{ id: 'busy', newId: 'busy:r2' }]);
});
