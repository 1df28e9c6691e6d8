/**
 * China Mobile over CMPP through the daemon: the simulator plays the ISMG (CMPP 2.0 and 3.0), China Unicom
 * stays on SMPP beside it. Long Chinese texts, receipts, an opt-out MO, flow control, a dropped connection
 * and a refused login, each job ending once (docs/CHANNELS.md).
 */
import t from 'tap';
import { FINAL, readEvents, waitForEvents, type Ev } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

const SP_ID = '901234';
const SECRET = 'cmpp-secret';
const LONG = '尊敬的客户，您的订单已发货，快递单号为SF1234567890，预计明天送达。如有疑问请致电客服热线，我们将竭诚为您服务，感谢您的支持与信任！';

function cmppChannel(version: '2.0' | '3.0') {
  return {
    channels: [{
      name: 'cmcc-direct', protocol: 'cmpp', systemId: SP_ID, password: SECRET,
      cmpp: { version, spNumber: '1065700', serviceId: 'SMPPD' },
    }],
  };
}

for (const version of ['2.0', '3.0'] as const) {
  t.test(`CMPP ${version}: long Chinese texts and OTPs are delivered with receipts, and 退订 opts the sender out`, async (t) => {
    const { sim, redis } = await startStack(t, {
      carriers: [{ name: 'cmcc', protocol: 'cmpp', version, spId: SP_ID, secret: SECRET }, 'cucc'],
      perCarrier: { cmcc: cmppChannel(version) },
    });
    const jobs = [
      { id: 'long-1', to: '13800138001', text: LONG, class: 'transactional' },
      { id: 'otp-1', to: '13800138002', text: 'Your code is 462913', class: 'otp' },
      { id: 'uni-1', to: '13000130001', text: 'parcel on its way', class: 'transactional' },
    ];
    for (const j of jobs) await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify(j));
    const evs = await waitForEvents(redis, (e) => e.filter((x) => FINAL.has(x.state)).length >= jobs.length);
    const final = (id: string): Ev => evs.find((e) => e.id === id && FINAL.has(e.state))!;
    for (const j of jobs) t.equal(final(j.id).state, 'delivered', `${j.id} delivered`);
    t.equal(final('long-1').parts, 2, 'the long text went as 2 parts');
    const submitted = evs.find((e) => e.id === 'long-1' && e.state === 'submitted')!;
    t.equal(submitted.channel, 'cmcc-direct', 'the submitted event names the CMPP channel');
    t.match(submitted.msgIds, [/^\d+$/, /^\d+$/], 'CMPP Msg_Ids in decimal');
    const atIsmg = sim.submits.filter((s) => s.carrier === 'cmcc');
    t.same(atIsmg.map((s) => s.text).sort(), [LONG.slice(0, 67), LONG.slice(67), 'Your code is 462913'].sort(), 'the ISMG decoded every part');
    t.ok(sim.submits.some((s) => s.carrier === 'cucc' && s.text === 'parcel on its way'), 'cucc still over SMPP');

    await sim.sendMo('cmcc', { from: '13800138009', to: '1065700', text: '退订' });
    await until('the sender on the opt-out list', async () => (await redis.sismember('smppd:optout', '+8613800138009')) === 1);
    const mo = (await redis.xrange('smppd:mo', '-', '+')).map(([, f]) => JSON.parse(f[1]!));
    t.match(mo, [{ from: '8613800138009', text: '退订', carrier: 'cmcc', optedOut: true }], 'the MO is on the MO stream');
    await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: 'mk-1', to: '13800138009', text: '双十一大促 回复TD退订', class: 'marketing' }));
    const mk = (await waitForEvents(redis, (e) => e.some((x) => x.id === 'mk-1' && FINAL.has(x.state)))).find((x) => x.id === 'mk-1' && FINAL.has(x.state))!;
    t.equal(mk.code, 'OPTED_OUT', 'marketing to the opted-out number is refused');
  });
}

t.test('CMPP flow control (Result 8) slows the channel down and costs no attempt; every job ends once', async (t) => {
  const { sim, redis } = await startStack(t, {
    carriers: [{ name: 'cmcc', protocol: 'cmpp', version: '3.0', spId: SP_ID, secret: SECRET, behaviours: { throttlePct: 20 } }],
    perCarrier: { cmcc: cmppChannel('3.0') }, extra: { queue: { leaseMs: 3000, maxAttempts: 1 } },
    carrier: { throttlePauseMs: 50 },
  });
  const n = 60;
  const p = redis.pipeline();
  for (let i = 0; i < n; i++) p.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: `fc-${i}`, to: `1380013${String(i).padStart(4, '0')}`, text: `order ${i} shipped` }));
  await p.exec();
  const evs = await waitForEvents(redis, (e) => e.filter((x) => FINAL.has(x.state)).length >= n, 60_000);
  const finals = evs.filter((e) => FINAL.has(e.state));
  t.equal(new Set(finals.map((e) => e.id)).size, n, 'one final event per job');
  t.equal(finals.filter((e) => e.state === 'delivered').length, n, 'all delivered with one attempt each: flow control is no failure');
  t.ok(sim.submits.some((s) => s.status === 8), 'the ISMG did answer Result 8');
});

t.test('a dropped CMPP connection and a refused login: the channel logs in again and every job ends once', async (t) => {
  const { sim, redis, daemon } = await startStack(t, {
    carriers: [{ name: 'cmcc', protocol: 'cmpp', version: '2.0', spId: SP_ID, secret: SECRET, behaviours: { dropAfter: 15, refuseBinds: 0 } }],
    perCarrier: { cmcc: cmppChannel('2.0') }, extra: { queue: { leaseMs: 3000 } },
  });
  const n = 40;
  const p = redis.pipeline();
  for (let i = 0; i < n; i++) p.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: `dr-${i}`, to: `1380013${String(i).padStart(4, '0')}`, text: `order ${i}`, resend: true }));
  await p.exec();
  await until('the first drop', () => sim.stats().cmcc!.connections >= 2, 30_000);
  sim.setBehaviours('cmcc', { refuseBinds: 2 });
  sim.disconnect('cmcc');
  await daemon.waitFor(/CMPP_CONNECT refused: status 5/);
  const evs = await waitForEvents(redis, (e) => new Set(e.filter((x) => FINAL.has(x.state)).map((x) => x.id)).size >= n, 60_000);
  const finals = evs.filter((e) => FINAL.has(e.state));
  t.equal(finals.length, n, 'one final event per job, none twice');
  t.ok(finals.every((e) => e.state === 'delivered'), `every job delivered (resend after an unknown outcome): ${JSON.stringify(finals.filter((e) => e.state !== 'delivered').map((e) => [e.id, e.state]))}`);
  t.ok(sim.stats().cmcc!.bindsRefused >= 2, 'the ISMG refused two logins');
  const ids = await readEvents(redis);
  t.ok(ids.length > 0);
});
