import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers/daemon.js';
import { namesIn, seriesNames } from '../obs/metric-names.js';

const known = seriesNames();

interface Panel { title: string; targets?: { expr: string }[]; panels?: Panel[] }
const dash = JSON.parse(readFileSync(join(ROOT, 'systemd/grafana/smppd-dashboard.json'), 'utf8')) as {
  panels: Panel[]; templating: { list: { query: unknown }[] };
};
const panels = dash.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const exprs = panels.flatMap((p) => (p.targets ?? []).map((x) => ({ title: p.title, expr: x.expr })));

t.test('the Grafana dashboard parses and every query names only metrics smppd exports', async (t) => {
  t.ok(exprs.length >= 10, `${exprs.length} queries`);
  const vars = dash.templating.list.map((v) => (typeof v.query === 'string' ? v.query : ''));
  for (const { title, expr } of [...exprs, ...vars.map((q) => ({ title: 'variable', expr: q }))]) {
    for (const n of namesIn(expr)) t.ok(known.has(n), `${title}: ${n} exists`);
  }
});

t.test('the dashboard shows what operators asked for', async (t) => {
  const has = (metric: string): boolean => exprs.some((e) => namesIn(e.expr).includes(metric));
  t.ok(has('smppd_submits_total'), 'throughput per carrier');
  t.ok(exprs.some((e) => /smppd_receipts_total\{[^}]*DELIVRD/.test(e.expr) && e.expr.includes('/')), 'delivery rate');
  t.ok(has('smppd_receipt_latency_seconds_bucket'), 'receipt latency');
  t.ok(has('smppd_throttles_total'), 'throttles');
  t.ok(has('smppd_queue_depth') && has('smppd_queue_oldest_age_seconds'), 'queue depth and oldest age');
  t.ok(has('smppd_binds_up'), 'binds up');
  t.equal(new Set(panels.map((p) => (p as { id?: number }).id)).size, panels.length, 'panel ids are unique');
});

/** Gauges every daemon reads from Redis itself: with N daemons a sum shows them N times. */
const REDIS_WIDE = ['smppd_queue_depth', 'smppd_queue_oldest_age_seconds', 'smppd_schedule_size', 'smppd_dead_letters'];
const summed = (expr: string): string[] => REDIS_WIDE.filter((g) => new RegExp(`\\bsum\\b(\\s+by\\s*\\([^)]*\\))?\\s*\\(\\s*${g}\\b`).test(expr));

t.test('the delivery rate of final outcomes has a panel: delivered over every final state but rejected', async (t) => {
  const rate = exprs.find((e) => /smppd_jobs_final_total\{[^}]*state="delivered"/.test(e.expr) && e.expr.includes('/'));
  t.ok(rate, 'a panel divides delivered finals by finals');
  t.match(rate?.expr ?? '', /smppd_jobs_final_total\{[^}]*state!="rejected"/, 'rejected jobs (never at a carrier) are left out of the denominator');
  t.match(rate?.expr ?? '', /by \(carrier, class\)/, 'by carrier and class');
});

t.test('Redis-wide gauges are combined over instances with max, never summed', async (t) => {
  for (const { title, expr } of exprs) t.same(summed(expr), [], `${title}: ${expr}`);
  t.same(summed('sum by (carrier, class) (smppd_queue_depth{instance=~"$instance"})'), ['smppd_queue_depth'], 'a sum is caught');
});

const rules = parse(readFileSync(join(ROOT, 'systemd/prometheus/smppd-alerts.yml'), 'utf8')) as {
  groups: { name: string; rules: { alert: string; expr: string; for?: string; labels?: Record<string, string> }[] }[];
};
const alerts = rules.groups.flatMap((g) => g.rules);

t.test('the alert rules parse, name only existing metrics and carry a severity', async (t) => {
  t.ok(alerts.length >= 3);
  for (const a of alerts) {
    t.type(a.expr, 'string', `${a.alert} has an expression`);
    for (const n of namesIn(a.expr)) t.ok(known.has(n), `${a.alert}: ${n} exists`);
    t.match(a.labels?.severity ?? '', /^(critical|warning)$/, `${a.alert} has a severity`);
    t.match(a.for ?? '', /^\d+[smh]$/, `${a.alert} waits before firing`);
  }
});

t.test('the alerts cover a carrier down, a delivery rate under 95% and a rising queue age', async (t) => {
  const by = new Map(alerts.map((a) => [a.alert, a.expr]));
  t.match(by.get('SmppdCarrierDown') ?? '', /smppd_binds_up\)?\s*==\s*0/);
  t.match(by.get('SmppdDeliveryRateLow') ?? '', /< 0\.95/);
  t.match(by.get('SmppdQueueAgeRising') ?? '', /smppd_queue_oldest_age_seconds/);
  const doc = readFileSync(join(ROOT, 'docs/OPERATIONS.md'), 'utf8');
  for (const a of alerts) t.ok(doc.includes(`\`${a.alert}\``), `${a.alert} is documented`);
});

t.test('a query naming a metric that does not exist is caught', async (t) => {
  t.notOk(namesIn('rate(smppd_submit_total[1m])').every((n) => known.has(n)), 'smppd_submit_total (no s) is unknown');
});
