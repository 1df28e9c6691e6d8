import t from 'tap';
import { Metrics } from '../../src/obs/metrics.js';

const value = async (m: Metrics, name: 'submits' | 'responses' | 'receipts', labels: Record<string, string>): Promise<number | undefined> =>
  (await m[name].get()).values.find((v) => Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x))?.value;

t.test('counts added to a tally reach the counter when it is read, once each', async (t) => {
  const m = new Metrics({ carriers: ['cmcc'], version: 't', defaultMetrics: false });
  for (let i = 0; i < 3; i++) m.submitCounts.add('cmcc', 'ok');
  m.submitCounts.add('cmcc', 'throttled');
  m.responseCounts.add('cmcc', 'ESME_ROK');
  m.receiptCounts.add('cmcc', 'DELIVRD');
  t.equal(await value(m, 'submits', { carrier: 'cmcc', result: 'ok' }), 3);
  t.equal(await value(m, 'submits', { carrier: 'cmcc', result: 'throttled' }), 1);
  t.equal(await value(m, 'submits', { carrier: 'cmcc', result: 'transient' }), 0, 'a touched label set nobody counted stays 0');
  t.equal(await value(m, 'responses', { carrier: 'cmcc', status: 'ESME_ROK' }), 1);
  t.equal(await value(m, 'receipts', { carrier: 'cmcc', state: 'DELIVRD' }), 1);
  t.equal(await value(m, 'submits', { carrier: 'cmcc', result: 'ok' }), 3, 'a second read adds nothing twice');
  m.submitCounts.add('cmcc', 'ok');
  t.match(await m.registry.metrics(), /smppd_submits_total\{carrier="cmcc",channel="cmcc",result="ok"\} 4/, 'a scrape collects them too');
});

t.test('a carrier added later by a reload is counted under its own label', async (t) => {
  const m = new Metrics({ carriers: ['cmcc'], version: 't', defaultMetrics: false });
  m.submitCounts.add('ctcc', 'ok');
  t.equal(await value(m, 'submits', { carrier: 'ctcc', result: 'ok' }), 1);
});
