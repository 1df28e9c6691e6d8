import t from 'tap';
import { exitFor } from '../../src/commands/errors.js';
import { startStore } from '../helpers/store.js';

const { redis, store } = await startStore(t, { prefix: 'o:' });

t.test('a daemon does not start beside a live daemon of an older version, and writes nothing then', async (t) => {
  // What an older daemon leaves: its name in the registry and a live lease, no storage format.
  await redis.sadd(store.keys.daemons, 'old');
  await redis.set(store.keys.lease('old'), 'old-token', 'PX', 60_000);
  const err = await store.recover('new', 'tok', 'start').then(() => null, (e: unknown) => e);
  t.match(err, { code: 'OLDER_DAEMON', message: /daemon old of an older smppd holds a live lease/ });
  t.match(exitFor(err).line, /^smppd: OLDER_DAEMON: daemon old /, 'the one line the daemon prints as it exits');
  t.equal(await redis.exists(store.keys.lease('new')), 0, 'no lease taken');
  t.equal(await redis.hget(store.keys.format, 'new'), null, 'no format written');
});

t.test('a daemon of storage format 3 counts as older: it would drop the lane entries of jobs kept as records', async (t) => {
  const oldLease = await redis.get(store.keys.lease('old'));
  await redis.del(store.keys.lease('old')); // the first test's older daemon, out of the way while f2 is checked
  await redis.sadd(store.keys.daemons, 'f2');
  await redis.hset(store.keys.format, 'f2', '3');
  await redis.set(store.keys.lease('f2'), 'f2-token', 'PX', 60_000);
  const err = await store.recover('new', 'tok', 'start').then(() => null, (e: unknown) => e);
  t.match(err, { code: 'OLDER_DAEMON', message: /daemon f2 of an older smppd/ });
  await redis.del(store.keys.lease('f2'));
  await redis.srem(store.keys.daemons, 'f2');
  await redis.hdel(store.keys.format, 'f2');
  if (oldLease !== null) await redis.set(store.keys.lease('old'), oldLease, 'PX', 60_000);
});

t.test('it starts once the older daemon is gone, and beside a daemon of its own version', async (t) => {
  await redis.del(store.keys.lease('old'));
  t.match(await store.recover('new', 'tok', 'start'), { kind: 'recovered', requeued: 0, unknown: 0, resent: 0, peers: 1 }, 'the dead older daemon is recovered as a peer');
  t.equal(await redis.hget(store.keys.format, 'new'), '4');
  t.equal(await redis.hget(store.keys.format, 'old'), null);
  t.match(await store.recover('peer', 'tok2', 'start'), { kind: 'recovered' }, 'a second daemon of this version starts beside the first');
});
