import t from 'tap';
import pino from 'pino';
import { Carrier } from '../../src/carrier/carrier.js';
import { ChannelHealth } from '../../src/carrier/channel-health.js';
import { encodeBody } from '../../src/smpp/pdu-codec.js';
import { startSimulator } from '../../src/sim/index.js';
import type { Simulator } from '../../src/sim/types.js';
import { bodiesFor, channelCarrier } from '../helpers/channel-config.js';
import { sendMany } from '../helpers/send-many.js';
import { until } from '../helpers/until.js';

const part = (n: number) => encodeBody('submit_sm', { destination_addr: '8613912345678', short_message: `part ${n}` });
const both = (n: number) => bodiesFor({ a: [part(n)], b: [part(n)] });
const sendOne = async (carrier: Carrier, n: number) => (await Promise.all(sendMany(carrier, [both(n)])))[0]!;

/** Each channel its own simulator, so one SMSC can go away and come back on the same port. */
async function twoChannels(t: any, failover: Record<string, unknown>, channels: Record<string, unknown>[] = [{ name: 'a' }, { name: 'b', priority: 2 }]) {
  const sims: Record<string, Simulator> = {};
  for (const name of ['a', 'b']) sims[name] = await startSimulator({ carriers: [{ name, port: 0 }] });
  const ports = { a: sims.a!.ports.a!, b: sims.b!.ports.b! };
  const carrier = new Carrier(channelCarrier(channels.map((c) => ({ port: ports[c.name as 'a' | 'b'], ...c })), { failover }));
  const changes: string[] = [];
  carrier.on('health', (e) => changes.push(`${e.channel} ${e.from} -> ${e.to}`));
  t.teardown(async () => {
    await carrier.close();
    for (const s of Object.values(sims)) await s.close();
  });
  carrier.start();
  await until('every channel binds', () => carrier.channels.every((ch) => ch.bindsUp() === 1));
  return { sims, ports, carrier, changes };
}

t.test('the first channel fails over after afterMs without a session, and takes traffic again once it binds', async (t) => {
  const { sims, ports, carrier, changes } = await twoChannels(t, { afterMs: 300 });
  t.match(await sendOne(carrier, 1), [{ kind: 'response', status: 0, channel: 'a' }]);
  await sims.a!.close();
  await until('a has no session', () => carrier.channels[0]!.bindsUp() === 0);
  if (carrier.channels[0]!.healthStatus === 'healthy') {
    t.match(await sendOne(carrier, 2), [{ kind: 'not-written', code: 'NOT_BOUND' }], 'within afterMs nothing goes to priority 2');
  }
  await until('a is unbound', () => carrier.channels[0]!.healthStatus === 'unbound');
  t.match(await sendOne(carrier, 3), [{ kind: 'response', status: 0, channel: 'b' }], 'priority 2 takes the traffic');
  sims.a = await startSimulator({ carriers: [{ name: 'a', port: ports.a }] });
  await until('a is healthy again', () => carrier.channels[0]!.healthStatus === 'healthy');
  t.match(await sendOne(carrier, 4), [{ kind: 'response', status: 0, channel: 'a' }], 'and traffic comes back to a');
  t.same(changes, ['a healthy -> unbound', 'a unbound -> healthy']);
});

t.test('a channel whose answers are mostly permanent refusals stops taking messages until a fresh window', async (t) => {
  const { sims, carrier, changes } = await twoChannels(t, { minAnswers: 5, windowMs: 1000, maxPermanentShare: 0.5 }, [{ name: 'a' }, { name: 'b' }]);
  sims.a!.setBehaviours('a', { rejectPct: 100 });
  for (let n = 0; carrier.channels[0]!.healthStatus === 'healthy'; n++) {
    await carrier.whenCapacity();
    await Promise.all(sendMany(carrier, [bodiesFor({ a: [part(n)] })]));
  }
  t.equal(carrier.channels[0]!.healthStatus, 'refusing');
  t.match(changes, ['a healthy -> refusing']);
  const outs = await Promise.all(sendMany(carrier, [1, 2, 3, 4].map(both)));
  t.same(outs.map((o) => o[0]!.channel), ['b', 'b', 'b', 'b'], 'its equal-priority peer takes all of it');
  sims.a!.setBehaviours('a', {});
  await until('a fresh window', () => carrier.channels[0]!.healthStatus === 'healthy');
  const back = await Promise.all(sendMany(carrier, [5, 6].map(both)));
  t.same(back.map((o) => o[0]!.channel).sort(), ['a', 'b'], 'shared again');
});

t.test('a channel answered mostly with throttling stops taking messages', async (t) => {
  const { sims, carrier } = await twoChannels(t, { minAnswers: 4, windowMs: 5000, maxThrottleShare: 0.5 }, [{ name: 'a', windowSize: 10 }, { name: 'b', priority: 2 }]);
  sims.a!.setBehaviours('a', { throttlePct: 100 });
  await Promise.all(sendMany(carrier, [1, 2, 3, 4].map((n) => bodiesFor({ a: [part(n)] }))));
  t.equal(carrier.channels[0]!.healthStatus, 'throttled');
  t.match(await sendOne(carrier, 5), [{ kind: 'response', status: 0, channel: 'b' }]);
});

t.test('a carrier\'s only channel keeps taking messages whatever its health: failover needs somewhere to go', async (t) => {
  const sim = await startSimulator({ carriers: [{ name: 'a', port: 0 }] });
  const carrier = new Carrier(channelCarrier([{ name: 'a', port: sim.ports.a }], { failover: { minAnswers: 2, windowMs: 60_000 } }));
  t.teardown(async () => {
    await carrier.close();
    await sim.close();
  });
  carrier.start();
  await until('bound', () => carrier.bindsUp() === 1);
  sim.setBehaviours('a', { rejectPct: 100 });
  await Promise.all(sendMany(carrier, [bodiesFor({ a: [part(1)] }), bodiesFor({ a: [part(2)] })]));
  t.equal(carrier.channels[0]!.healthStatus, 'refusing');
  sim.setBehaviours('a', {});
  t.match(await Promise.all(sendMany(carrier, [bodiesFor({ a: [part(3)] })])), [[{ kind: 'response', status: 0, channel: 'a' }]]);
});

t.test('health on its own: fewer than minAnswers prove nothing; a channel failed on a share with no session by the end of its window is unbound', async (t) => {
  const changes: string[] = [];
  const h = new ChannelHealth({ afterMs: 20, windowMs: 100, maxPermanentShare: 0.5, maxThrottleShare: 0.8, minAnswers: 3 },
    () => performance.now(), pino({ level: 'silent' }), (from, to) => changes.push(`${from} -> ${to}`));
  t.teardown(() => h.close());
  h.start();
  h.sessions(true);
  h.answered('permanent');
  h.answered('permanent');
  t.equal(h.status, 'healthy', 'two answers of three needed: nothing proved');
  h.answered('ok');
  t.equal(h.status, 'refusing', 'two of three refused: above a half');
  h.sessions(false);
  await until('the fresh window ends', () => h.status !== 'refusing');
  t.equal(h.status, 'unbound', 'no session since: unbound, not healthy');
  h.sessions(true);
  t.equal(h.status, 'healthy');
  t.same(changes, ['healthy -> refusing', 'refusing -> unbound', 'unbound -> healthy']);
});
