import t from 'tap';
import { startCareRig, untilBound } from '../care/e2e-fixture.js';
import { spawnSmppd, type Ev } from '../helpers/daemon.js';

// Noon in Shanghai, so marketing is not held back by quiet hours. ctcc reports every message
// UNDELIV err:001, which this config lists as a code that marks the number invalid.
const NOON_SHANGHAI = Date.parse('2030-01-15T04:00:00Z');
const INVALID_FOR_MS = 600_000;
const rig = await startCareRig(t, {
  clockAtSpawnMs: NOON_SHANGHAI,
  care: { invalidErrorCodes: ['001'], invalidForMs: INVALID_FOR_MS },
  behaviours: { ctcc: { receiptStat: 'UNDELIV' } },
});
const ended = (evs: Ev[]): boolean => evs.some((e) => ['delivered', 'undeliverable', 'rejected'].includes(e.state));
const stateOf = async (id: string): Promise<Ev> => (await rig.eventsOf(id, ended)).find((e) => ['delivered', 'undeliverable', 'rejected'].includes(e.state))!;

async function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  const d = spawnSmppd([...args, '--redis', rig.srv.url]);
  const { code } = await d.exited;
  return { code, out: d.output() };
}

t.test('an MO "ＴＤ" opts its sender out: marketing to it is rejected OPTED_OUT, transactional still goes', async (t) => {
  await untilBound(rig, 'cmcc');
  await rig.sim.sendMo('cmcc', { from: '8613800000001', to: '10690000', text: 'ＴＤ' });
  for (let i = 0; i < 100 && !(await rig.redis.sismember('smppd:optout', '+8613800000001')); i++) await new Promise((r) => setTimeout(r, 50));
  t.equal(await rig.redis.sismember('smppd:optout', '+8613800000001'), 1, 'the sender is on the opt-out list');
  const mo = (await rig.redis.xrange('smppd:mo', '-', '+')).map(([, f]) => JSON.parse(f[1]!) as { from: string; at: number });
  const at = mo.find((m) => m.from === '+8613800000001')!.at;
  t.ok(Math.abs(at - rig.fakeNow()) < 60_000, `the MO is stamped with the daemon's clock (2030), not the machine's (${new Date(at).toISOString()})`);
  await rig.push({ id: 'mk-optout', to: '13800000001', text: 'sale 回复TD退订', class: 'marketing' });
  await rig.push({ id: 'tx-optout', to: '13800000001', text: 'your parcel', class: 'transactional' });
  const mk = await stateOf('mk-optout');
  t.equal(mk.state, 'rejected');
  t.equal(mk.code, 'OPTED_OUT');
  t.equal((await stateOf('tx-optout')).state, 'delivered');
});

t.test('`smppd blacklist` adds a number and every class to it is rejected BLACKLISTED', async (t) => {
  const add = await cli(['blacklist', 'add', '138 0000 0002']);
  t.equal(add.code, 0);
  t.match(add.out, /\+8613800000002: added/);
  const check = await cli(['blacklist', 'check', '+8613800000002']);
  t.equal(check.code, 0);
  t.match(check.out, /blacklisted/);
  t.equal((await cli(['blacklist', 'check', '13800000009'])).code, 1, 'check of an unlisted number exits 1');
  t.equal((await cli(['blacklist', 'add', '12'])).code, 64, 'a bad number is a usage error');
  for (const cls of ['otp', 'transactional', 'marketing']) {
    await rig.push({ id: `bl-${cls}`, to: '13800000002', text: 'hello 回复TD退订', class: cls });
    const e = await stateOf(`bl-${cls}`);
    t.equal(e.code, 'BLACKLISTED', `${cls} rejected`);
  }
  t.notOk(rig.sim.submits.some((s) => s.to === '8613800000002'), 'nothing reached the SMSC');
  t.equal((await cli(['blacklist', 'remove', '13800000002'])).code, 0);
  await rig.push({ id: 'bl-after', to: '13800000002', text: 'hello again', class: 'otp' });
  t.equal((await stateOf('bl-after')).state, 'delivered', 'removed from the list, it is sent again');
});

t.test('a second job with the same dedupKey within the window is rejected DUPLICATE', async (t) => {
  await rig.push({ id: 'dd-1', to: '13800000003', text: 'order 1 shipped', dedupKey: 'order-1-shipped' });
  await rig.push({ id: 'dd-2', to: '13800000003', text: 'order 1 shipped', dedupKey: 'order-1-shipped' });
  await rig.push({ id: 'dd-3', to: '13800000003', text: 'order 2 shipped', dedupKey: 'order-2-shipped' });
  t.equal((await stateOf('dd-1')).state, 'delivered');
  const dup = await stateOf('dd-2');
  t.equal(dup.code, 'DUPLICATE');
  t.equal((await stateOf('dd-3')).state, 'delivered', 'another key is not a duplicate');
  t.equal(rig.sim.submits.filter((s) => s.text === 'order 1 shipped').length, 1, 'sent once');
});

t.test('a receipt with a listed error code marks the number invalid and later jobs are rejected INVALID_NUMBER', async (t) => {
  await rig.push({ id: 'inv-1', to: '13300000004', text: 'first try' });
  const first = await stateOf('inv-1');
  t.equal(first.state, 'undeliverable');
  t.equal(first.receiptError, '001');
  const ttl = await rig.redis.pttl('smppd:invalid:+8613300000004');
  t.ok(ttl > 0 && ttl <= INVALID_FOR_MS, `marked invalid for invalidForMs (${ttl} ms left)`);
  await rig.push({ id: 'inv-2', to: '13300000004', text: 'second try', class: 'otp' });
  t.equal((await stateOf('inv-2')).code, 'INVALID_NUMBER');
  t.equal(rig.sim.submits.filter((s) => s.to === '8613300000004').length, 1, 'the second job never reached the SMSC');
});

t.test('rejects are counted by reason in the metrics', async (t) => {
  const port = Number(/"metricsPort":(\d+)/.exec(rig.daemon.output())?.[1]);
  const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  for (const [reason, n] of [['OPTED_OUT', 1], ['BLACKLISTED', 3], ['DUPLICATE', 1], ['INVALID_NUMBER', 1]] as const) {
    t.match(body, new RegExp(`smppd_rejects_total\\{reason="${reason}"\\} ${n}\\b`), `${reason}: ${n}`);
  }
});
