import t from 'tap';
import { startStack } from '../helpers/stack.js';
import { waitForEvents, FINAL, type Ev } from '../helpers/daemon.js';
import { until } from '../helpers/until.js';

// +8613800000041 is China Mobile's by prefix (86138 -> cmcc); the override hash moves it elsewhere.
const PORTED = '+8613800000041';
const stack = await startStack(t);
const { redis } = stack;
let seq = 0;
/** Push one job to the ported number and return the carrier of its final event. */
async function carrierOfNext(): Promise<string> {
  const id = `port-${++seq}`;
  await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id, to: PORTED, text: `probe ${seq}` }));
  const evs = await waitForEvents(redis, (all) => all.some((e) => e.id === id && FINAL.has(e.state)), 30_000);
  const e = evs.find((x: Ev) => x.id === id && FINAL.has(x.state))!;
  return e.state === 'delivered' ? String(e.carrier) : `${e.state} ${e.code}`;
}

t.test('without an override the prefix table routes the number', async (t) => {
  t.equal(await carrierOfNext(), 'cmcc');
});

t.test('an override written in Redis sends the next jobs to the overriding carrier', async (t) => {
  await redis.hset('smppd:route:override', PORTED, 'cucc');
  // The first override is seen within OVERRIDE_EMPTY_RECHECK_MS (the empty hash is not looked at per batch).
  let last = '';
  await until('a job routed by the override', async () => (last = await carrierOfNext()) === 'cucc', 20_000);
  t.equal(last, 'cucc');
  t.equal(await carrierOfNext(), 'cucc', 'and every job after it');
});

t.test('with overrides present, a change applies to the very next job', async (t) => {
  await redis.hset('smppd:route:override', PORTED, 'ctcc');
  t.equal(await carrierOfNext(), 'ctcc');
  await redis.hset('smppd:route:override', PORTED, 'nosuch', '+8613800000042', 'cucc');
  t.equal(await carrierOfNext(), 'cmcc', 'an override naming no configured carrier is ignored: the prefix table routes');
  await redis.del('smppd:route:override');
  t.equal(await carrierOfNext(), 'cmcc', 'removed, the prefix table routes again at once');
});
