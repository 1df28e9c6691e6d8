import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildConfig } from '../../src/config/schema.js';
import { Metrics } from '../../src/obs/metrics.js';
import { ObsServer } from '../../src/obs/http.js';
import { ROOT } from '../helpers/daemon.js';
import { exportedMetrics } from './metric-names.js';

/** The metrics table of docs/OPERATIONS.md: | `name` | type | labels | meaning |. */
function documented(): Map<string, { type: string; labels: string[] }> {
  const doc = readFileSync(join(ROOT, 'docs/OPERATIONS.md'), 'utf8');
  const out = new Map<string, { type: string; labels: string[] }>();
  for (const m of doc.matchAll(/^\| `(smppd_[a-z0-9_]+)` \| (counter|gauge|histogram|summary) \|([^|]*)\|/gm)) {
    out.set(m[1]!, { type: m[2]!, labels: m[3]!.split(',').map((s) => s.trim()).filter(Boolean) });
  }
  return out;
}

const isDefault = (name: string): boolean => /^smppd_(process|nodejs)_/.test(name);

t.test('docs/OPERATIONS.md lists every smppd metric with its type and labels, and nothing else', async (t) => {
  const doc = documented();
  const ours = exportedMetrics().filter((m) => !isDefault(m.name));
  t.ok(ours.length >= 15, `${ours.length} metrics of our own`);
  for (const m of ours) {
    const d = doc.get(m.name);
    t.ok(d, `${m.name} is documented`);
    if (!d) continue;
    t.equal(d.type, m.type, `${m.name} type`);
    t.same([...d.labels].sort(), [...m.labels].sort(), `${m.name} labels`);
  }
  const names = new Set(ours.map((m) => m.name));
  for (const n of doc.keys()) t.ok(names.has(n), `documented ${n} exists`);
});

t.test('names follow the conventions: smppd_ prefix, counters end _total, base units', async (t) => {
  for (const m of exportedMetrics()) {
    t.match(m.name, /^smppd_[a-z0-9_]+$/, m.name);
    if (m.type === 'counter') t.match(m.name, /_total$/, `${m.name} is a counter`);
    t.notMatch(m.name, /_(ms|milliseconds|kb|mb)(_|$)/, `${m.name} uses base units`);
  }
  const names = exportedMetrics().map((m) => m.name);
  t.ok(names.includes('smppd_process_cpu_seconds_total') && names.includes('smppd_nodejs_eventloop_lag_seconds'), 'default process metrics carry the prefix');
});

t.test('build info says which smppd and node run', async (t) => {
  const m = new Metrics({ carriers: [], version: '9.8.7', defaultMetrics: false });
  const body = await m.registry.metrics();
  t.match(body, new RegExp(`smppd_build_info\\{version="9\\.8\\.7",node="${process.versions.node.replace(/\./g, '\\.')}"\\} 1`));
});

t.test('no label value is a phone number or a message id: values come from fixed lists and carrier names', async (t) => {
  const m = new Metrics({ carriers: ['cmcc', 'cucc'], version: '1.0.0', defaultMetrics: false });
  const values = (await m.registry.getMetricsAsJSON()).flatMap((x) => x.values.flatMap((v) => Object.entries(v.labels).filter(([k]) => k !== 'le' && k !== 'version' && k !== 'node').map(([, val]) => String(val))));
  t.ok(values.length > 50);
  for (const v of new Set(values)) t.notMatch(v, /\d{5,}/, `label value ${v} has no long digit run`);
  t.ok(values.includes('cmcc') && values.includes('BAD_NUMBER'), 'carriers and reject codes are touched at 0');
});

t.test('the metrics server binds 127.0.0.1 by default and serves /metrics, /healthz, /readyz', async (t) => {
  const cfg = buildConfig({ carriers: [{ name: 'cmcc', host: '127.0.0.1', systemId: 'x' }] }, {});
  t.equal(cfg.metrics.host, '127.0.0.1', 'default host');
  t.equal(cfg.metrics.port, 9464, 'default port');
  const m = new Metrics({ carriers: ['cmcc'], version: '1.0.0', defaultMetrics: false });
  let ready = false;
  const srv = new ObsServer(m, () => ({ ready, checks: { redis: true, 'carrier:cmcc': ready } }));
  t.teardown(() => srv.close());
  const port = await srv.listen(cfg.metrics.host, 0);
  const base = `http://127.0.0.1:${port}`;
  t.match(await (await fetch(`${base}/metrics`)).text(), /smppd_submits_total\{carrier="cmcc",channel="cmcc",result="ok"\} 0/);
  t.equal((await fetch(`${base}/healthz`)).status, 200);
  const r1 = await fetch(`${base}/readyz`);
  t.equal(r1.status, 503);
  t.same(await r1.json(), { ready: false, checks: { redis: true, 'carrier:cmcc': false } });
  ready = true;
  t.equal((await fetch(`${base}/readyz`)).status, 200);
  t.equal((await fetch(`${base}/nothing`)).status, 404);
  await srv.close();
  await srv.close(); // idempotent
});

t.test('the client certificate expiry gauge has one series per carrier with a certificate, replaced on each call', async (t) => {
  const m = new Metrics({ carriers: ['cmcc', 'cucc'], version: '1.0.0', defaultMetrics: false });
  m.certExpiries({ cmcc: Date.UTC(2126, 10, 3, 15, 52, 59) });
  let body = await m.registry.metrics();
  t.match(body, /smppd_tls_client_cert_expiry_timestamp_seconds\{carrier="cmcc"\} 4949394779\n/);
  t.notMatch(body, /expiry_timestamp_seconds\{carrier="cucc"\}/, 'no certificate, no series');
  m.certExpiries({ cucc: 1_000_000 });
  body = await m.registry.metrics();
  t.notMatch(body, /expiry_timestamp_seconds\{carrier="cmcc"\}/, 'a certificate removed by a reload leaves no stale series');
  t.match(body, /expiry_timestamp_seconds\{carrier="cucc"\} 1000\n/);
});
