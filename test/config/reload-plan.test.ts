import t from 'tap';
import { readFileSync } from 'node:fs';
import { buildConfig } from '../../src/config/schema.js';
import { RESTART_FIELDS, carrierChange, changedFields, planReload } from '../../src/config/reload-plan.js';

const base = {
  instanceId: 'd1',
  redis: { url: 'redis://127.0.0.1:6379', password: 'old-secret' },
  metrics: { port: 9464 },
  carriers: [{ name: 'cm', host: '127.0.0.1', systemId: 'x', tps: 100 }],
};
const running = buildConfig(base);

t.test('changedFields names the leaves that differ, a list as one field, and no value', async (t) => {
  const next = buildConfig({ ...base, queue: { claimBatch: 7 }, care: { optOutKeywords: ['STOP'] }, redis: { ...base.redis, password: 'new-secret' } });
  const fields = changedFields(running, next);
  t.same(fields.sort(), ['care.optOutKeywords', 'queue.claimBatch', 'redis.password']);
  t.notMatch(JSON.stringify(fields), /secret/, 'no secret in what it returns');
  t.same(changedFields(running, buildConfig(base)), [], 'the same file: nothing changed');
});

t.test('a reload keeps every restart-only field as it runs and names each one the file changed', async (t) => {
  const next = buildConfig({
    ...base, instanceId: 'd2', redis: { url: 'redis://10.0.0.1:6379', prefix: 'x:' }, metrics: { host: '0.0.0.0', port: 9000 },
    log: { level: 'debug' }, pool: { threads: 2 }, queue: { claimBatch: 5, leaseMs: 3000 },
  });
  const plan = planReload(running, next);
  t.same(plan.needRestart.sort(), ['instanceId', 'metrics.host', 'metrics.port', 'redis.password', 'redis.prefix', 'redis.url']);
  t.same(plan.live.sort(), ['log.level', 'pool.threads', 'queue.claimBatch', 'queue.leaseMs']);
  t.equal(plan.config.instanceId, 'd1');
  t.same(plan.config.redis, running.redis, 'redis as it runs, its password included');
  t.same(plan.config.metrics, running.metrics);
  t.equal(plan.config.queue.claimBatch, 5, 'live fields take the new value');
  t.equal(plan.config.log.level, 'debug');
  t.same(running.instanceId, 'd1', 'the running config is not changed in place');
  t.equal(next.instanceId, 'd2', 'nor the one read from the file');
});

t.test('a carrier change is left to the app (carrier by carrier), not listed as a field', async (t) => {
  const plan = planReload(running, buildConfig({ ...base, carriers: [{ ...base.carriers[0]!, tps: 20 }] }));
  t.same(plan.live, []);
  t.same(plan.needRestart, []);
  t.equal(plan.config.carriers[0]!.channels[0]!.tps, 20);
});

t.test('docs/CONFIG.md names exactly the fields that need a restart', async (t) => {
  const doc = readFileSync(new URL('../../docs/CONFIG.md', import.meta.url), 'utf8');
  const line = doc.split('\n').find((l) => l.startsWith('Needs a restart:'));
  t.ok(line, 'a "Needs a restart:" line');
  const named = [...(line ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]);
  t.same(named.sort(), [...RESTART_FIELDS].sort());
});

t.test('a reload keeps a carrier whose channels changed only their tps, and replaces one whose channel list changed', async (t) => {
  const carrier = (channels: Record<string, unknown>[]) =>
    buildConfig({ carriers: [{ name: 'cm', host: '127.0.0.1', systemId: 'x', channels }] }).carriers[0]!;
  const run = carrier([{ name: 'a', tps: 100 }, { name: 'b', priority: 2 }]);
  t.same(carrierChange(run, carrier([{ name: 'a', tps: 100 }, { name: 'b', priority: 2 }])), { kind: 'same', tps: [] });
  t.same(carrierChange(run, carrier([{ name: 'a', tps: 50 }, { name: 'b', priority: 2 }])), { kind: 'same', tps: [{ channel: 'a', tps: 50 }] },
    'a new tps applies in place');
  t.same(carrierChange(run, carrier([{ name: 'a', tps: 100 }])), { kind: 'replace' }, 'a channel removed');
  t.same(carrierChange(run, carrier([{ name: 'a', tps: 100 }, { name: 'b', priority: 2 }, { name: 'c', priority: 3 }])), { kind: 'replace' }, 'a channel added');
  t.same(carrierChange(run, carrier([{ name: 'a', tps: 100 }, { name: 'b', priority: 1 }])), { kind: 'replace' }, 'a priority changed');
  t.same(carrierChange(run, carrier([{ name: 'a', tps: 100, port: 2800 }, { name: 'b', priority: 2 }])), { kind: 'replace' }, 'a connection field changed');
  const flat = buildConfig(base).carriers[0]!;
  t.same(carrierChange(flat, buildConfig({ ...base, carriers: [{ ...base.carriers[0]!, tps: 20 }] }).carriers[0]!), { kind: 'same', tps: [{ channel: 'cm', tps: 20 }] },
    'the carrier-level form: its one channel, named as the carrier');
});
