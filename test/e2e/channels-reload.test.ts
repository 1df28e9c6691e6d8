/**
 * A reload that replaces a carrier's channels: jobs already prepared for the old channel cannot go out on
 * the new one, so each is tried again (NO_CHANNEL) within its attempts and then ends once instead of
 * waiting for ever; jobs pushed after the reload go out on the new channel (docs/CHANNELS.md, "Reloading
 * channels").
 */
import { readFileSync, writeFileSync } from 'node:fs';
import t from 'tap';
import { parse, stringify } from 'yaml';
import { FINAL, waitForEvents } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

t.test('jobs prepared for a channel a reload took away are retried NO_CHANNEL, then end; new jobs take the new channel', async (t) => {
  const { sim, redis, daemon, config } = await startStack(t, {
    carriers: ['cmcc', { name: 'ismg', protocol: 'cmpp', version: '3.0', spId: '901234', secret: 's3cret' }],
    configured: ['cmcc'], extra: { queue: { leaseMs: 3000, maxAttempts: 2, retryBaseMs: 100, retryMaxMs: 200 } },
  });
  // The SMPP line refuses logins from now on, so what is pushed stays queued with SMPP bodies only.
  sim.setBehaviours('cmcc', { refuseBinds: 1_000_000 });
  sim.disconnect('cmcc');
  await daemon.waitFor(/"msg":"bind failed"/);
  const p = redis.pipeline();
  for (let i = 0; i < 5; i++) p.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: `old-${i}`, to: `1380013000${i}`, text: `old ${i}` }));
  await p.exec();
  await until('the five jobs wait in their lane', async () => (await redis.llen('smppd:{cmcc}:lane:transactional')) === 5);

  const cfg = parse(readFileSync(config, 'utf8')) as { carriers: Record<string, unknown>[] };
  cfg.carriers = [{
    ...cfg.carriers[0], host: undefined, port: undefined,
    channels: [{ name: 'cmcc-direct', protocol: 'cmpp', host: '127.0.0.1', port: sim.ports.ismg, systemId: '901234', password: 's3cret',
      cmpp: { version: '3.0', spNumber: '1065700', serviceId: 'SMPPD' } }],
  }];
  writeFileSync(config, stringify(cfg), { mode: 0o600 });
  daemon.kill('SIGHUP');
  await daemon.waitFor(/configuration reloaded/);
  await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: 'new-0', to: '13800139999', text: 'new 0' }));

  const evs = await waitForEvents(redis, (e) => e.filter((x) => FINAL.has(x.state)).length >= 6, 60_000);
  const finals = evs.filter((e) => FINAL.has(e.state));
  const old = finals.filter((e) => e.id.startsWith('old-'));
  t.same(old.map((e) => [e.state, e.code]), Array.from({ length: 5 }, () => ['failed', 'RETRIES_EXHAUSTED']), 'each old job ends once');
  t.ok(old.every((e) => /\(NO_CHANNEL\) after 2 attempts/.test(String(e.error))), 'after its attempts, saying why');
  t.equal(evs.filter((e) => e.id.startsWith('old-') && e.state === 'retrying' && e.code === 'NO_CHANNEL').length, 5, 'each tried again once first');
  t.match(finals.find((e) => e.id === 'new-0'), { state: 'delivered' }, 'a job pushed after the reload is delivered');
  t.same(sim.submits.map((s) => [s.carrier, s.text]), [['ismg', 'new 0']], 'only the new job reached an SMSC, over CMPP');
  t.equal(await redis.llen('smppd:{cmcc}:lane:transactional'), 0, 'nothing is left in the lane');
});
