import { withOneChannel, type CarrierLevelForm } from '../helpers/test-config.js';
import t from 'tap';
import { smpp } from '../helpers/bodies.js';
import { sendMany } from '../helpers/send-many.js';
import { FakeSmsc, type FakeSmscOptions } from '../helpers/fake-smsc.js';
import { Carrier } from '../../src/carrier/carrier.js';
import { encodeBody } from '../../src/smpp/pdu-codec.js';
import type { CarrierConfig } from '../../src/config/types.js';
import { startSimulator } from '../../src/sim/index.js';
import { bodiesFor, channelCarrier } from '../helpers/channel-config.js';
import { until } from '../helpers/until.js';

const part = (n: number) => encodeBody('submit_sm', { destination_addr: '8613912345678', short_message: `part ${n}` });

function config(port: number, over: Partial<CarrierLevelForm> = {}): CarrierConfig {
  return withOneChannel({
    name: 'cm', host: '127.0.0.1', port, tls: false, systemId: 'esme', password: 'pw', systemType: '',
    bindType: 'transceiver', binds: 1, windowSize: 10, otpWindowSlots: 0, tps: 1000, bindTps: 0, responseTimeoutMs: 1000,
    enquireLinkMs: 5000, bindTimeoutMs: 2000, reconnectMinMs: 20, reconnectMaxMs: 200, throttlePauseMs: 150,
    slowResponseMs: 1000, dropAfterTimeouts: 3, prefixes: [], sourceTon: 0, sourceNpi: 0, destTon: 1, destNpi: 1, registeredDelivery: 1,
    dataCodingGsm: 0, dataCodingUcs2: 8, concat: 'udh8', maxParts: 10, signatureReserve: 0, optOut: 'append',
    idFormat: 'as-sent', ...over,
  });
}

async function started(t: any, smscOpts: FakeSmscOptions = {}, over: Partial<CarrierLevelForm> = {}) {
  const smsc = await FakeSmsc.start(smscOpts);
  const carrier = new Carrier(config(smsc.port, over));
  t.teardown(async () => {
    await carrier.close();
    await smsc.close();
  });
  carrier.start();
  await smsc.waitFor(() => carrier.bindsUp() === (over.binds ?? 1));
  return { smsc, carrier };
}

t.test('start() opens every configured bind with interface_version 0x34', async (t) => {
  const { smsc, carrier } = await started(t, {}, { binds: 2 });
  t.equal(carrier.bindsUp(), 2);
  const binds = smsc.commands('bind_transceiver');
  t.equal(binds.length, 2);
  t.ok(binds.every((b) => b.pdu.interface_version === 0x34));
  t.equal(carrier.capacity(), 20, 'two windows of 10');
});

t.test('transmitter+receiver opens N transmitters and N receivers; deliveries carry the carrier name', async (t) => {
  const { smsc, carrier } = await started(t, {}, { bindType: 'transmitter+receiver', binds: 1 });
  await smsc.waitFor(() => smsc.commands('bind_receiver').length === 1);
  t.equal(smsc.commands('bind_transmitter').length, 1);
  t.equal(carrier.bindsUp(), 1, 'only the transmitter counts');
  const rx = smsc.received.find((r) => r.pdu.command === 'bind_receiver')!.conn;
  const got = new Promise<any>((resolve) => carrier.once('deliver', resolve));
  const answer = smsc.conns[rx]!.request('deliver_sm', { short_message: 'id:1 stat:DELIVRD' });
  const req = await got;
  t.equal(req.carrier, 'cm');
  req.respond(0);
  t.equal((await answer)?.command, 'deliver_sm_resp');
});

t.test('garbage from the SMSC closes the session and the carrier rebinds', async (t) => {
  const { smsc, carrier } = await started(t);
  const events: string[] = [];
  for (const e of ['bad-pdu', 'bind-down', 'reconnect', 'bind-up']) carrier.on(e, () => events.push(e));
  smsc.conns[0]!.write(Buffer.from('00000003ffffffff', 'hex'));
  await smsc.waitFor(() => events.includes('bind-up'));
  t.same(events, ['bad-pdu', 'bind-down', 'reconnect', 'bind-up']);
  t.equal(smsc.commands('bind_transceiver').length, 2);
  t.equal(carrier.bindsUp(), 1);
});

t.test('a refused bind is retried with backoff until accepted', async (t) => {
  const { smsc, carrier } = await started(t, { bindStatus: (n) => (n < 2 ? 0x0d : 0) });
  t.equal(smsc.bindAttempts, 3, 'two refusals, then accepted');
  t.equal(carrier.bindsUp(), 1);
});

t.test('a throttled answer is handed back unchanged and pauses the bind for throttlePauseMs', async (t) => {
  let throttle = true;
  const { carrier } = await started(t, { onSubmit: () => ({ status: throttle ? 0x58 : 0 }) });
  let pausedAt = 0;
  const throttled = new Promise<any>((resolve) => carrier.once('throttled', (e) => { pausedAt = performance.now(); resolve(e); }));
  const [outcome] = await Promise.all(sendMany(carrier, smpp([[part(1)]])));
  t.match(outcome, [{ kind: 'response', status: 0x58 }]);
  t.match(await throttled, { carrier: 'cm', status: 0x58, pauseMs: 150 });
  t.equal(carrier.capacity(), 0, 'paused');
  const [refused] = await Promise.all(sendMany(carrier, smpp([[part(2)]])));
  t.same(refused, [{ kind: 'not-written', code: 'WINDOW_FULL', channel: 'cm' }], 'nothing written while paused');
  throttle = false;
  await carrier.whenCapacity();
  // Measured from the pause itself: a loaded machine can only make the wait look longer, never shorter.
  const waitedMs = performance.now() - pausedAt;
  t.ok(waitedMs >= 140, `capacity came back after the 150 ms pause (${waitedMs.toFixed(0)} ms)`);
  const [ok] = await Promise.all(sendMany(carrier, smpp([[part(3)]])));
  t.match(ok, [{ kind: 'response', status: 0 }]);
});

t.test('consecutive throttling doubles the pause, capped at reconnectMaxMs', async (t) => {
  const { carrier } = await started(t, { onSubmit: () => ({ status: 0x14 }) }, { throttlePauseMs: 40, reconnectMaxMs: 100 });
  const pauses: number[] = [];
  carrier.on('throttled', (e: any) => pauses.push(e.pauseMs));
  for (let i = 0; i < 3; i++) {
    await carrier.whenCapacity();
    await Promise.all(sendMany(carrier, smpp([[part(i)]])));
  }
  t.same(pauses, [40, 80, 100]);
});

t.test('each message goes whole to the least-loaded bind', async (t) => {
  const { smsc, carrier } = await started(t, { onSubmit: () => ({ delayMs: 30 }) }, { binds: 2 });
  const single = Array.from({ length: 6 }, (_, i) => [part(i)]);
  const outs = await Promise.all(sendMany(carrier, smpp(single)));
  t.ok(outs.every((o) => o.length === 1 && o[0]!.kind === 'response'));
  const perConn = [0, 0];
  for (const r of smsc.commands('submit_sm')) perConn[r.conn - 0]!++;
  t.same(perConn, [3, 3], 'spread evenly');
});

t.test('all parts of a multipart message go over the same bind', async (t) => {
  const { smsc, carrier } = await started(t, {}, { binds: 3 });
  const outs = await Promise.all(sendMany(carrier, smpp([[part(1), part(2), part(3), part(4)], [part(5), part(6)]])));
  t.same(outs.map((o) => o.length), [4, 2]);
  t.ok(outs.flat().every((o) => o.kind === 'response' && o.status === 0));
  const submits = smsc.commands('submit_sm');
  const connOf = (text: string) => submits.find((r) => r.pdu.short_message.message === text)!.conn;
  t.equal(new Set(['part 1', 'part 2', 'part 3', 'part 4'].map(connOf)).size, 1, 'first message on one bind');
  t.equal(new Set(['part 5', 'part 6'].map(connOf)).size, 1, 'second message on one bind');
});

t.test('a message no bind can take now resolves at once with every part not-written', async (t) => {
  const { smsc, carrier } = await started(t, {}, { windowSize: 2 });
  const [outcome] = await Promise.all(sendMany(carrier, smpp([[part(1), part(2), part(3)]])));
  t.same(outcome, Array(3).fill({ kind: 'not-written', code: 'WINDOW_FULL', channel: 'cm' }));
  t.equal(smsc.commands('submit_sm').length, 0);
});

t.test('kept slots are left out of capacity, and whenCapacity(keep) waits for a slot beyond them', async (t) => {
  const { carrier } = await started(t, { onSubmit: () => ({ delayMs: 150 }) });
  t.equal(carrier.capacity(3), 7);
  const outs = sendMany(carrier, smpp([1, 2, 3, 4, 5, 6, 7, 8].map((n) => [part(n)])));
  t.equal(carrier.capacity(), 2, 'two slots free');
  t.equal(carrier.capacity(3), 0, 'none beyond the three kept');
  let beyond = false;
  const waited = carrier.whenCapacity(3).then(() => { beyond = true; });
  await carrier.whenCapacity(0);
  t.notOk(beyond, 'a free kept slot does not wake a waiter for slots beyond the kept ones');
  await Promise.all(outs);
  await waited;
  t.ok(carrier.capacity(3) > 0);
});

t.test('kept slots are window slots: a rate-bound bind keeps its whole rate', async (t) => {
  const { carrier } = await started(t, {}, { bindTps: 5 });
  t.equal(carrier.capacity(), 5, 'the bind rate bounds capacity');
  t.equal(carrier.capacity(3), 5, 'seven window slots are free beyond the three kept: the rate still bounds it');
  t.equal(carrier.capacity(8), 2, 'only two window slots beyond the eight kept');
});

t.test('slow answers halve the effective window until latency recovers', async (t) => {
  let delayMs = 60;
  const { carrier } = await started(t, { onSubmit: () => ({ delayMs }) }, { windowSize: 4, slowResponseMs: 10 });
  await Promise.all(sendMany(carrier, smpp([[part(1)], [part(2)], [part(3)], [part(4)]])));
  t.equal(carrier.capacity(), 2, 'window 4 halved to 2');
  delayMs = 0;
  for (let i = 0; i < 20 && carrier.capacity() < 4; i++) await Promise.all(sendMany(carrier, smpp([[part(i)]])));
  t.equal(carrier.capacity(), 4, 'full window again');
});

t.test('close() is idempotent, unbinds every session and stops reconnecting', async (t) => {
  const { smsc, carrier } = await started(t, {}, { binds: 2 });
  const closing = carrier.close();
  t.equal(carrier.close(), closing);
  await closing;
  t.equal(carrier.bindsUp(), 0);
  t.equal(smsc.commands('unbind').length, 2);
  await new Promise((r) => setTimeout(r, 60));
  t.equal(smsc.commands('bind_transceiver').length, 2, 'no reconnect after close');
  await carrier.whenCapacity();
  t.pass('whenCapacity() does not hang after close');
});

// --- A carrier with several channels, against the built-in simulator (one SMSC per channel). ---

async function channelsOf(t: any, names: string[], channels: Record<string, unknown>[], carrier: Record<string, unknown> = {}) {
  const sim = await startSimulator({ carriers: names.map((name) => ({ name, port: 0 })) });
  const cfg = channelCarrier(channels.map((c) => ({ port: sim.ports[c.name as string], ...c })), carrier);
  const c = new Carrier(cfg);
  t.teardown(async () => {
    await c.close();
    await sim.close();
  });
  c.start();
  await until('every channel binds', () => c.channels.every((ch) => ch.bindsUp() === 1));
  return { sim, carrier: c };
}

const both = (n: number) => bodiesFor({ a: [part(n)], b: [part(n)] });
const perChannel = (outs: { channel: string }[][]): Record<string, number> => {
  const m: Record<string, number> = {};
  for (const o of outs) m[o[0]!.channel] = (m[o[0]!.channel] ?? 0) + 1;
  return m;
};

t.test('a channel of priority 2 takes nothing while one of priority 1 can', async (t) => {
  const { sim, carrier } = await channelsOf(t, ['a', 'b'], [{ name: 'b', priority: 2 }, { name: 'a' }]);
  t.same(carrier.channels.map((c) => c.name), ['a', 'b'], 'kept in priority order');
  t.equal(carrier.capacity(), 10, 'capacity is the first priority\'s: channel a\'s window');
  const outs = await Promise.all(sendMany(carrier, Array.from({ length: 8 }, (_, i) => both(i))));
  t.same(perChannel(outs), { a: 8 });
  t.equal(sim.submits.filter((s) => s.carrier === 'b').length, 0);
});

t.test('channels of one priority share its traffic by weight', async (t) => {
  const { sim, carrier } = await channelsOf(t, ['a', 'b'], [{ name: 'a', weight: 3, windowSize: 100 }, { name: 'b', weight: 1, windowSize: 100 }], { tps: 1000 });
  const outs = await Promise.all(sendMany(carrier, Array.from({ length: 40 }, (_, i) => both(i))));
  t.same(perChannel(outs), { a: 30, b: 10 });
  t.equal(sim.submits.filter((s) => s.carrier === 'a').length, 30, 'the SMSCs saw the same split');
});

t.test('a message with no bodies for a channel never goes there', async (t) => {
  const { sim, carrier } = await channelsOf(t, ['a', 'b'], [{ name: 'a' }, { name: 'b', priority: 2 }]);
  const outs = await Promise.all(sendMany(carrier, [bodiesFor({ b: [part(1)] }), bodiesFor({ a: [part(2)] })]));
  t.match(outs, [[{ kind: 'response', status: 0, channel: 'b' }], [{ kind: 'response', status: 0, channel: 'a' }]]);
  t.same(sim.submits.map((s) => [s.carrier, s.text]).sort(), [['a', 'part 2'], ['b', 'part 1']]);
});

t.test('the parts of one message never split across channels, even when only another channel has room for all', async (t) => {
  const { sim, carrier } = await channelsOf(t, ['a', 'b'], [{ name: 'a' }, { name: 'b' }], { windowSize: 4, maxParts: 3 });
  sim.setBehaviours('a', { holdAnswers: true });
  const held = sendMany(carrier, [bodiesFor({ a: [part(1), part(2)] })]); // a: 2 of 4 slots left
  const three = () => bodiesFor({ a: [part(3), part(4), part(5)], b: [part(3), part(4), part(5)] });
  const outs = await Promise.all(sendMany(carrier, [three(), three()]));
  t.same(outs[0]!.map((x) => x.channel), ['b', 'b', 'b'], 'the first goes whole to b, the only channel with room for three');
  t.match(outs[1], [{ kind: 'not-written', code: 'WINDOW_FULL' }, { kind: 'not-written' }, { kind: 'not-written' }],
    'the second fits nowhere whole: nothing of it is written');
  t.equal(sim.submits.filter((s) => s.carrier === 'a').length, 2, 'a got only the held message');
  const binds = new Set(sim.submits.filter((s) => s.carrier === 'b').map((s) => s.bind));
  t.equal(binds.size, 1, 'and its parts on one bind');
  sim.setBehaviours('a', {});
  await Promise.all(held);
});
