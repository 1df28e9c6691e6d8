import t from 'tap';
import { has, startCareRig, untilBound, untilClock } from '../care/e2e-fixture.js';

// The daemon's clock is set to just before 13:00 UTC on a winter day: 20:59 in Shanghai (UTC+8) and
// 07:59 in New York (UTC-5); at 13:00 UTC it is 21:00 and 08:00 there.
const Z = (iso: string): number => Date.parse(iso);
const BOUNDARY = Z('2030-01-15T13:00:00Z');
const NEXT_MORNING_SHANGHAI = Z('2030-01-16T00:00:00Z');

const rig = await startCareRig(t, {
  clockAtSpawnMs: BOUNDARY - 20_000,
  behaviours: { ctcc: { refuseBinds: 1_000_000 } }, // ctcc stays unbound, so its jobs wait in the lane
});

t.test('quiet hours through the daemon: the edge minutes in the recipient zone, and a re-check at claim time', async (t) => {
  await untilBound(rig, 'cmcc');
  t.ok(rig.fakeNow() < BOUNDARY - 3000, `the daemon started before 20:59:57 Shanghai time (${new Date(rig.fakeNow()).toISOString()})`);
  const mk = { class: 'marketing', text: 'sale today 回复TD退订' };
  await rig.push({ ...mk, id: 'sh-2059', to: '13800000001' });
  await rig.push({ ...mk, id: 'ny-0759', to: '13800000002', tz: 'America/New_York' });
  await rig.push({ ...mk, id: 'sh-2100', to: '13800000003', sendAt: BOUNDARY });
  await rig.push({ ...mk, id: 'ny-0800', to: '13800000004', tz: 'America/New_York', sendAt: BOUNDARY });
  await rig.push({ id: 'tx-2100', to: '13800000005', text: 'your parcel', class: 'transactional', sendAt: BOUNDARY });
  await rig.push({ id: 'tx-respect', to: '13800000006', text: 'your parcel', class: 'transactional', sendAt: BOUNDARY, quietHours: 'respect' });
  await rig.push({ ...mk, id: 'claim-late', to: '13300000007' }); // ctcc: queued at 20:59, claimed after 21:00

  const a = await rig.eventsOf('sh-2059', has('submitted'));
  t.equal(a[0]!.state, 'submitted', '20:59 in Shanghai: sent at once');

  const b = await rig.eventsOf('ny-0759', has('scheduled'));
  t.equal(b[0]!.reason, 'quiet-hours', '07:59 in New York: deferred');
  t.equal(b[0]!.sendAt, BOUNDARY, 'to 08:00 New York time');

  const c = await rig.eventsOf('sh-2100', has('scheduled'));
  t.equal(c[0]!.reason, 'quiet-hours', 'sendAt 21:00 in Shanghai: deferred');
  t.equal(c[0]!.sendAt, NEXT_MORNING_SHANGHAI, 'to 08:00 the next morning');

  const d = await rig.eventsOf('ny-0800', has('scheduled'));
  t.notOk(d[0]!.reason, 'sendAt 08:00 in New York is simply scheduled');
  const r = await rig.eventsOf('tx-respect', has('scheduled'));
  t.equal(r[0]!.sendAt, NEXT_MORNING_SHANGHAI, 'a transactional job that asks to respect quiet hours is deferred');
  const x = await rig.eventsOf('tx-2100', has('scheduled'));
  t.equal(x[0]!.sendAt, BOUNDARY, 'a transactional job ignores quiet hours');

  await untilClock(rig, BOUNDARY);
  rig.sim.setBehaviours('ctcc', {}); // ctcc binds now, after 21:00 in Shanghai

  for (const id of ['ny-0800', 'ny-0759', 'tx-2100']) {
    const evs = await rig.eventsOf(id, has('submitted'));
    t.ok(evs.find((e) => e.state === 'submitted')!.at >= BOUNDARY, `${id} sent at 08:00 New York time / 21:00 Shanghai time`);
  }
  const late = await rig.eventsOf('claim-late', (evs) => evs.some((e) => e.state === 'scheduled'));
  t.same(late.map((e) => e.state), ['scheduled'], 'queued at 20:59, claimed after 21:00: deferred, not sent');
  t.equal(late[0]!.reason, 'quiet-hours');
  t.equal(late[0]!.sendAt, NEXT_MORNING_SHANGHAI);
  t.equal(await rig.redis.zscore('smppd:{ctcc}:sched', 'claim-late'), String(NEXT_MORNING_SHANGHAI), 'it waits in the schedule');

  const wire = rig.sim.submits.map((s) => s.to);
  for (const n of ['8613800000003', '8613800000006', '8613300000007']) t.notOk(wire.includes(n), `nothing reached the SMSC for ${n}`);
  t.ok(wire.includes('8613800000001') && wire.includes('8613800000002') && wire.includes('8613800000004'));
});
