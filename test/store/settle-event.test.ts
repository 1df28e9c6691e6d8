import { smppParts } from '../helpers/bodies.js';
import t from 'tap';
import type { Claimed, SettleRecord } from '../../src/store/queue-store.js';
import { submittedEvent } from '../../src/store/settle-event.js';
import { preparedJob } from '../helpers/prepared-job.js';
import { startStore } from '../helpers/store.js';
import { jobMget } from '../helpers/job.js';

t.test('the submitted event text has the fields of the other events, in their order', async (t) => {
  const job = { carrier: 'cmcc', parts: 2, meta: '{"order":7}' };
  t.same(submittedEvent('a', 1_700_000_000_123, job, ['m1', 'm2']), {
    idsJson: '["m1","m2"]',
    event: '{"id":"a","state":"submitted","at":1700000000123,"carrier":"cmcc","parts":2,"meta":{"order":7},"msgIds":["m1","m2"]}',
  });
  t.same(submittedEvent('b', 5, { carrier: 'cucc', parts: 2, meta: '' }, ['m1', ''], 'SMSC_REJECTED', 'part refused'), {
    idsJson: '["m1"]',
    event: '{"id":"b","state":"submitted","at":5,"carrier":"cucc","parts":2,"msgIds":["m1"],"code":"SMSC_REJECTED","error":"part refused"}',
  }, 'a failed part is left out of the ids, and the code says why');
  t.equal(submittedEvent('c', 5, { carrier: 'cmcc', parts: 1, meta: '' }, ['m1'], '', '', 'cmcc-cmpp').event,
    '{"id":"c","state":"submitted","at":5,"carrier":"cmcc","channel":"cmcc-cmpp","parts":1,"msgIds":["m1"]}',
    'the channel its parts went out on, after the carrier');
  t.equal(JSON.parse(submittedEvent('q"\\', 5, { carrier: 'cmcc', parts: 1, meta: '' }, ['m']).event).id, 'q"\\', 'an id is escaped');
});

let clock = 1_700_000_000_000;
const { redis, store } = await startStore(t, { prefix: 'se:', now: () => clock });
await store.recover('d1', 'tok', 'start');

const job = preparedJob;

async function claimAll(): Promise<Map<string, Claimed>> {
  const c = await store.claim('d1', 'tok', 'cmcc', 100);
  if (c === 'lease-lost') throw new Error('lease lost');
  return new Map(c.map((x) => [x.id, x]));
}

async function eventOf(id: string): Promise<string> {
  const all = await redis.xrange('se:events', '-', '+');
  return all.map(([, f]) => f[1]!).find((e) => JSON.parse(e).id === id)!;
}

t.test('the claim hands back each job’s carrier, part count and meta', async (t) => {
  await store.ingest([job('c1', 1, '{"order":1}'), job('c2', 2)]);
  const c = await claimAll();
  t.same(c.get('c1')!.job, { carrier: 'cmcc', parts: 1, meta: '{"order":1}' });
  t.same(c.get('c2')!.job, { carrier: 'cmcc', parts: 2, meta: '' });
  t.equal(smppParts(c.get('c2')!)[1]!.toString(), 'body-c2-1', 'the bodies are still split right');
  await store.settle('d1', [...c.values()].map((x) => ({ act: 'requeue' as const, id: x.id })));
});

t.test('settling with what the claim said writes the submitted event and the job hash the contract names', async (t) => {
  const cases: [string, number, string | undefined, (id: string) => Omit<SettleRecord & { act: 'ok' }, 'job'>, string, (string | null)[]][] = [
    ['plain', 1, undefined, (id) => ({ act: 'ok', id, msgIds: [`${id}-m1`] }),
      '"parts":1,"msgIds":["plain-m1"]}', ['submitted', '["plain-m1"]', null, null, null]],
    ['meta', 1, JSON.stringify({ order: 7, note: 'a "quoted" text / slash' }), (id) => ({ act: 'ok', id, msgIds: [`${id}-m1`] }),
      '"parts":1,"meta":{"order":7,"note":"a \\"quoted\\" text / slash"},"msgIds":["meta-m1"]}', ['submitted', '["meta-m1"]', null, null, null]],
    ['split', 3, '{"n":1}', (id) => ({ act: 'ok', id, msgIds: [`${id}-m1`, '', `${id}-m3`], code: 'SMSC_REJECTED', error: 'part refused with command_status 0x00000045' }),
      '"parts":3,"meta":{"n":1},"msgIds":["split-m1","split-m3"],"code":"SMSC_REJECTED","error":"part refused with command_status 0x00000045"}',
      ['submitted', '["split-m1","split-m3"]', null, 'FAILED', null]],
  ];
  for (const [name, parts, meta, record, tail, hash] of cases) {
    clock += 1000;
    await store.ingest([job(name, parts, meta)]);
    const c = await claimAll();
    t.same(await store.settle('d1', [{ ...record(name), job: c.get(name)!.job }]), ['submitted'], name);
    t.equal(await eventOf(name), `{"id":"${name}","state":"submitted","at":${clock},"carrier":"cmcc",${tail}`, `${name}: the event text`);
    const [st, ids, sub, ...partStates] = await jobMget(redis, `se:job:${name}`, 'st', 'ids', 'sub', 'p1', 'p2', 'p3');
    t.same([st, ids, ...partStates], hash, `${name}: the job hash`);
    t.equal(sub, String(clock), `${name}: the submit time`);
    t.equal(JSON.parse(await eventOf(name)).meta?.note, meta && JSON.parse(meta).note, `${name}: meta echoed as stored`);
  }
});

t.test('a receipt finds a job settled with what the claim said', async (t) => {
  await store.ingest([job('r1', 1)]);
  const c = await claimAll();
  await store.settle('d1', [{ act: 'ok', id: 'r1', msgIds: ['r1-m'], job: c.get('r1')!.job }]);
  t.same((await store.receipts([{ carrier: 'cmcc', messageId: 'r1-m', stat: 'DELIVRD', err: '000' }]))[0]!.status, 'final');
  const delivered = (await redis.xrange('se:events', '-', '+')).map(([, f]) => JSON.parse(f[1]!)).filter((e) => e.id === 'r1');
  t.same(delivered.map((e) => e.state), ['submitted', 'delivered']);
  t.same(delivered[1].msgIds, ['r1-m'], 'the delivered event reads the ids the settle stored');
  const text = (await redis.xrevrange('se:events', '+', '-', 'COUNT', 1))[0]![1][1];
  t.equal(text, `{"id":"r1","state":"delivered","at":${clock},"carrier":"cmcc","parts":1,"partStates":["DELIVRD"],"msgIds":["r1-m"],"latencyMs":0}`,
    'the delivered event, written as text by the receipt script');
});
