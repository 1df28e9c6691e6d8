import t from 'tap';
import { smppParts } from '../helpers/bodies.js';
import { packBodies, unpackBodies } from '../../src/store/bodies.js';
import type { Claimed } from '../../src/store/queue-store.js';
import type { PreparedOk } from '../../src/types.js';
import { jobOf } from '../helpers/prepared-job.js';
import { startStore } from '../helpers/store.js';

const { redis, store } = await startStore(t, { prefix: 'b:' });
await store.recover('d1', 'tok', 'start');

// Two UCS2 parts of 140+ octets each: far over hash-max-listpack-value (64 B).
const bodies = [Buffer.alloc(160, 0x4e), Buffer.alloc(150, 0x8b)];
const job = (id: string, entryId: string): PreparedOk & { entryId: string } => ({
  ok: true, id, to: '+8613800138000', from: 'x', carrier: 'cmcc', class: 'transactional', parts: bodies,
  fingerprint: '', sendAt: 0, expiresAt: 0, tz: 'Asia/Shanghai', quietHours: 'ignore', resend: false, entryId,
});

type Got = Claimed[];
const lane = store.keys.lane('cmcc', 'transactional');
const packed = Buffer.concat([Buffer.from([0, 160]), bodies[0]!, Buffer.from([0, 150]), bodies[1]!]);
const entry = (id: string, b: Buffer): Buffer => Buffer.concat([Buffer.from(`${id} `), b]);
const same = (a: Buffer | null, b: Buffer): boolean => a?.equals(b) ?? false;
const inFlight = async (id: string): Promise<Buffer | null> => redis.hgetBuffer(store.keys.inflight('d1'), id);
const claimAll = async (): Promise<Got> => (await store.claim('d1', 'tok', 'cmcc', 10)) as Got;

t.test('a queued job carries its bodies in its lane entry, then in its in-flight value, and never in a key of its own', async (t) => {
  t.same(await store.ingest([job('big', '1-0')]), ['queued']);
  t.ok(same(await redis.lindexBuffer(lane, 0), entry('big', packed)), 'the lane entry: id, a space, each part behind its length');
  t.equal(await redis.exists(store.keys.body('big')), 0, 'no body key');
  t.equal(await redis.object('ENCODING', store.keys.job('big')), 'listpack', 'the job hash holds no long value');
  const claimed = await claimAll();
  const parts = smppParts(claimed[0]!);
  t.ok(parts[0]!.equals(bodies[0]!) && parts[1]!.equals(bodies[1]!), 'claim returns the bodies byte for byte, in order');
  const held = await inFlight('big');
  t.ok(held?.subarray(held.indexOf(0x20) + 1).equals(packed), 'the in-flight value holds them after the claim mark');
  t.match(held!.subarray(0, held!.indexOf(0x20)).toString(), /^S\d+$/);
  await store.settle('d1', [{ act: 'ok', id: 'big', msgIds: ['m1', 'm2'], job: jobOf(claimed, 'big') }]);
  t.equal(await inFlight('big'), null, 'gone with the in-flight entry once submitted');
  t.equal(await redis.exists(store.keys.body('big')), 0);
  t.equal(await redis.object('ENCODING', store.keys.job('big')), 'listpack');
});

t.test('a requeued one-part job goes back to the head of its lane with its body, unchanged', async (t) => {
  const one = { ...job('one', '2-0'), parts: [Buffer.from('0001020304', 'hex')] };
  t.same(await store.ingest([one]), ['queued']);
  t.ok(same(await redis.lindexBuffer(lane, 0), entry('one', Buffer.from('0001020304', 'hex'))), 'the body as it is');
  let claimed = await claimAll();
  t.same(claimed.map((c) => [c.id, smppParts(c).map((p) => p.toString('hex'))]), [['one', ['0001020304']]]);
  t.same(await store.settle('d1', [{ act: 'requeue', id: 'one' }]), ['queued']);
  t.ok(same(await redis.lindexBuffer(lane, 0), entry('one', Buffer.from('0001020304', 'hex'))), 'back at the head with its body');
  claimed = await claimAll();
  t.same(claimed.map((c) => [c.id, smppParts(c).map((p) => p.toString('hex'))]), [['one', ['0001020304']]], 'claimed again, same body');
  await store.settle('d1', [{ act: 'fail', id: 'one', code: 'X', error: 'x' }]);
});

t.test('a scheduled job keeps its bodies in body:<id> until its claim moves them in flight', async (t) => {
  t.same(await store.ingest([{ ...job('later', '3-0'), sendAt: Date.now() + 40 }]), ['scheduled']);
  t.ok(same(await redis.getBuffer(store.keys.body('later')), packed), 'one value in body:<id>');
  await new Promise((r) => setTimeout(r, 60));
  const claimed = await claimAll();
  t.same(claimed.map((c) => c.id), ['later'], 'promoted and claimed');
  t.ok(smppParts(claimed[0]!)[0]!.equals(bodies[0]!) && smppParts(claimed[0]!)[1]!.equals(bodies[1]!), 'every part');
  t.equal(await redis.exists(store.keys.body('later')), 0, 'body:<id> gone once claimed');
  const held = await inFlight('later');
  t.ok(held?.subarray(held.indexOf(0x20) + 1).equals(packed), 'in the in-flight value instead');
  t.same(await store.settle('d1', [{ act: 'retry', id: 'later', code: '0x58', error: 'throttled' }]), ['scheduled']);
  t.ok(same(await redis.getBuffer(store.keys.body('later')), packed), 'a retry puts them back in body:<id> with the job in the schedule');
  t.equal(await inFlight('later'), null);
  await redis.del(store.keys.sched('cmcc'), store.keys.body('later'));
});

t.test('a recovered claim whose reply was lost puts the job back in its lane with its bodies', async (t) => {
  t.same(await store.ingest([job('lost', '4-0')]), ['queued']);
  await claimAll();
  t.ok(await inFlight('lost'));
  // The in-flight value as the claim wrote it, under a mark recover treats as never written.
  const held = (await inFlight('lost'))!;
  await redis.hset(store.keys.inflight('d1'), 'lost', Buffer.concat([Buffer.from('C'), held.subarray(held.indexOf(0x20))]));
  t.match(await store.recover('d1', 'tok', 'start'), { kind: 'recovered', requeued: 1 }, 'one job requeued');
  t.ok(same(await redis.lindexBuffer(lane, 0), entry('lost', packed)), 'at the head of its lane, bodies in the entry');
  const claimed = await claimAll();
  t.ok(claimed[0]!.id === 'lost' && smppParts(claimed[0]!)[1]!.equals(bodies[1]!), 'claimed again with every part');
  await store.settle('d1', [{ act: 'fail', id: 'lost', code: 'X', error: 'x' }]);
});

t.test('a job queued by an older version, its id alone in the lane and its bodies in a list, is claimed with every part', async (t) => {
  t.same(await store.ingest([job('old', '5-0')]), ['queued']);
  await redis.del(lane);
  await redis.rpush(lane, 'old');
  await redis.rpush(store.keys.body('old'), bodies[0]!, bodies[1]!);
  const claimed = await claimAll();
  t.equal(claimed.length, 1);
  t.equal(claimed[0]!.id, 'old');
  t.ok(smppParts(claimed[0]!).length === 2 && smppParts(claimed[0]!)[0]!.equals(bodies[0]!) && smppParts(claimed[0]!)[1]!.equals(bodies[1]!),
    'both parts, byte for byte');
  t.equal(await redis.exists(store.keys.body('old')), 0, 'moved to the in-flight value');
  t.same(await store.settle('d1', [{ act: 'requeue', id: 'old' }]), ['queued']);
  t.ok(same(await redis.lindexBuffer(lane, 0), entry('old', packed)), 'requeued in the new form');
  await claimAll();
  await store.settle('d1', [{ act: 'fail', id: 'old', code: 'X', error: 'x' }]);
});

t.test('an older version\'s in-flight entry, the claim mark alone, is requeued with its bodies left in body:<id>', async (t) => {
  t.same(await store.ingest([job('olderc', '6-0')]), ['queued']);
  await redis.del(lane);
  await redis.hset(store.keys.job('olderc'), 'st', 'claimed');
  await redis.hset(store.keys.inflight('d1'), 'olderc', 'C');
  await redis.set(store.keys.body('olderc'), packed);
  t.match(await store.recover('d1', 'tok', 'start'), { kind: 'recovered', requeued: 1 });
  t.equal((await redis.lindexBuffer(lane, 0))!.toString(), 'olderc', 'the id alone: the bodies are in body:<id>');
  const claimed = await claimAll();
  t.ok(claimed[0]!.id === 'olderc' && smppParts(claimed[0]!)[0]!.equals(bodies[0]!), 'claimed with its bodies');
  await store.settle('d1', [{ act: 'fail', id: 'olderc', code: 'X', error: 'x' }]);
});

t.test('status reads the job id of a lane entry that carries bodies', async (t) => {
  t.same(await store.ingest([job('aged', '7-0')]), ['queued']);
  await new Promise((r) => setTimeout(r, 30));
  const l = (await store.lanes(['cmcc'])).find((x) => x.class === 'transactional')!;
  t.equal(l.depth, 1);
  t.ok(l.oldestAgeMs >= 20, `the oldest job's age is read from its hash (${l.oldestAgeMs} ms)`);
  await redis.del(lane);
});

t.test('packBodies and unpackBodies are inverse for 1, 2 and 3 parts, empty parts included', async (t) => {
  for (const parts of [[Buffer.from('ab')], [Buffer.from('a'), Buffer.alloc(0)], [Buffer.alloc(300, 1), Buffer.from('x'), Buffer.alloc(70000 - 69990, 2)]]) {
    t.same(unpackBodies(packBodies(parts), parts.length).map((p) => p.toString('hex')), parts.map((p) => p.toString('hex')));
  }
  t.throws(() => packBodies([Buffer.alloc(1), Buffer.alloc(0x10000)]), /cannot be stored/);
});
