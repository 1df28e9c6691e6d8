import t from 'tap';
import { has, startCareRig, untilBound, untilClock } from '../care/e2e-fixture.js';
import type { Ev } from '../helpers/daemon.js';

// The daemon's clock is set to the last seconds of 31 January in Shanghai (UTC+8). Quiet hours are
// switched off (start = end) so that these late-night marketing jobs are sent at once.
const Z = (iso: string): number => Date.parse(iso);
const FEB_SHANGHAI = Z('2030-01-31T16:00:00Z');

const rig = await startCareRig(t, {
  clockAtSpawnMs: FEB_SHANGHAI - 20_000,
  care: { quietHours: { start: '00:00', end: '00:00' } },
  behaviours: { ctcc: { refuseBinds: 1_000_000 } },
});
const mk = (id: string, to: string, extra: Record<string, unknown> = {}) =>
  rig.push({ id, to, text: `offer ${id} 回复TD退订`, class: 'marketing', ...extra });
const final = (evs: Ev[]): boolean => evs.some((e) => ['submitted', 'rejected', 'expired'].includes(e.state));

t.test('the cap admits 4 marketing messages a month, rejects the 5th, and admits the first of the next month', async (t) => {
  await untilBound(rig, 'cmcc');
  t.ok(rig.fakeNow() < FEB_SHANGHAI - 3000, 'the daemon started before midnight in Shanghai');
  for (let i = 1; i <= 5; i++) await mk(`jan-${i}`, '13800000001');
  const states: string[] = [];
  for (let i = 1; i <= 5; i++) states.push((await rig.eventsOf(`jan-${i}`, final)).find((e) => e.state !== 'scheduled')!.state);
  t.same(states, ['submitted', 'submitted', 'submitted', 'submitted', 'rejected']);
  const fifth = await rig.eventsOf('jan-5', has('rejected'));
  t.equal(fifth[0]!.code, 'OVER_CAP');
  t.equal(rig.sim.submits.filter((s) => s.to === '8613800000001').length, 4, 'four reached the SMSC');
  const ttl = await rig.redis.pttl('smppd:cap:marketing:m2030-01:+8613800000001');
  t.ok(ttl > 0 && ttl <= 20_000 + 3_600_000, `the January counter expires just after January ends (${ttl} ms)`);

  await untilClock(rig, FEB_SHANGHAI);
  await mk('feb-1', '13800000001');
  const feb = await rig.eventsOf('feb-1', final);
  t.equal(feb[0]!.state, 'submitted', 'the first job of February is accepted');
  t.equal(await rig.redis.get('smppd:cap:marketing:m2030-02:+8613800000001'), '1');
});

t.test('a job that expires unsent gives its cap count back', async (t) => {
  // ctcc is unbound: the job waits in its lane past expiresAt and ends `expired` when ctcc binds.
  await mk('exp-1', '13300000002', { expiresAt: rig.fakeNow() + 1000 });
  const key = 'smppd:cap:marketing:m2030-02:+8613300000002';
  for (let i = 0; i < 100 && (await rig.redis.get(key)) === null; i++) await new Promise((r) => setTimeout(r, 50));
  t.equal(await rig.redis.get(key), '1', 'counted at intake');
  await untilClock(rig, rig.fakeNow() + 1200);
  rig.sim.setBehaviours('ctcc', {});
  const evs = await rig.eventsOf('exp-1', final);
  t.equal(evs[0]!.state, 'expired');
  t.equal(await rig.redis.get(key), '0', 'released');
  for (let i = 1; i <= 5; i++) await mk(`after-exp-${i}`, '13300000002');
  const states: string[] = [];
  for (let i = 1; i <= 5; i++) states.push((await rig.eventsOf(`after-exp-${i}`, final)).find((e) => e.state !== 'scheduled')!.state);
  t.same(states, ['submitted', 'submitted', 'submitted', 'submitted', 'rejected'], 'the expired job did not use one of the 4');
  t.equal(rig.sim.submits.filter((s) => s.to === '8613300000002').length, 4);
});
