import t from 'tap';
import { planCare, type CareRules } from '../../src/care/plan.js';
import { quietWindow } from '../../src/care/quiet-hours.js';

const Z = (iso: string): number => Date.parse(iso);
const rules: CareRules = { quiet: quietWindow('21:00', '08:00'), caps: { marketing: { limit: 4, period: 'month' } } };
const job = { class: 'marketing' as const, to: '+8613800138000', tz: 'Asia/Shanghai', respectQuiet: true, sendAt: 0 };

t.test('a marketing job in daytime keeps its send time and records the zone offset and its cap counter', async (t) => {
  const p = planCare(job, rules, Z('2030-01-15T04:00:00Z'));
  t.same(p, {
    sendAt: 0, deferred: false, utcOffsetMin: 480,
    cap: { key: 'marketing:m2030-01:+8613800138000', limit: 4, expireAtMs: Z('2030-01-31T17:00:00Z') },
  });
});

t.test('a job in a zone with DST also records the offset changes of the year after its send time', async (t) => {
  const p = planCare({ ...job, to: '+447700900000', tz: 'Europe/London' }, rules, Z('2030-01-15T12:00:00Z'));
  t.equal(p.utcOffsetMin, 0);
  t.equal(p.offsetChanges, `${Z('2030-03-31T01:00:00Z') / 60_000},60,${Z('2030-10-27T01:00:00Z') / 60_000},0`);
  t.notOk('offsetChanges' in planCare(job, rules, Z('2030-01-15T04:00:00Z')), 'none for Asia/Shanghai');
});

t.test('a marketing job at night is deferred to 08:00 and counted in the month it will be sent in', async (t) => {
  const p = planCare(job, rules, Z('2030-01-31T15:00:00Z')); // 23:00 on 31 January in Shanghai
  t.equal(p.sendAt, Z('2030-01-31T16:00:00Z') + 8 * 3_600_000);
  t.ok(p.deferred);
  t.equal(p.cap!.key, 'marketing:m2030-02:+8613800138000');
});

t.test('a job that does not respect quiet hours is neither deferred nor re-checked; uncapped classes count nothing', async (t) => {
  const p = planCare({ ...job, class: 'transactional', respectQuiet: false }, rules, Z('2030-01-15T15:00:00Z'));
  t.same(p, { sendAt: 0, deferred: false });
});

t.test('a future sendAt inside quiet hours is moved, one outside is kept', async (t) => {
  const now = Z('2030-01-15T04:00:00Z');
  t.equal(planCare({ ...job, sendAt: Z('2030-01-15T13:00:00Z') }, rules, now).sendAt, Z('2030-01-16T00:00:00Z'));
  t.equal(planCare({ ...job, sendAt: Z('2030-01-15T12:59:00Z') }, rules, now).sendAt, Z('2030-01-15T12:59:00Z'));
});
