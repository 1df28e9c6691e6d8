import t from 'tap';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startSimulator } from '../../src/sim/index.js';
import { freePort } from '../helpers/redis-server.js';
import { spawnSmppd, waitForEvents, writeConfig } from '../helpers/daemon.js';

const REDIS_PW = 'r3dis-Secret-9q';
const ACL_PW = 'acl-Secret-4z';
const CMCC_PW = 'smpp-Cmcc-7x';
const CUCC_PW = 'smpp-Cucc-8y';

// A private redis-server that requires a password, plus an ACL user.
const dir = mkdtempSync(join(tmpdir(), 'smppd-auth-'));
const port = await freePort();
const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no',
  '--requirepass', REDIS_PW, '--loglevel', 'warning'], { stdio: 'ignore' });
const url = `redis://127.0.0.1:${port}`;
for (let i = 0; !(await listening(port)); i++) {
  if (i > 100) throw new Error(`redis-server did not start on ${port}`);
  await new Promise((r) => setTimeout(r, 50));
}
const redis = new Redis(url, { password: REDIS_PW });
// The rules docs/OPERATIONS.md recommends for a dedicated user.
await redis.call('ACL', 'SETUSER', 'smppd', 'on', `>${ACL_PW}`, '~smppd:*', '+@all', '-@dangerous', '+info');

const sim = await startSimulator({ carriers: [{ name: 'cmcc', port: 0, password: CMCC_PW }, { name: 'cucc', port: 0, password: CUCC_PW }] });
t.teardown(async () => {
  redis.disconnect();
  await sim.close();
  await new Promise<void>((res) => { server.once('exit', () => res()); server.kill('SIGTERM'); });
  rmSync(dir, { recursive: true, force: true });
});

const secrets = mkdtempSync(join(tmpdir(), 'smppd-secrets-'));
writeFileSync(join(secrets, 'cmcc.pass'), `${CMCC_PW}\n`);
writeFileSync(join(secrets, 'redis-user.pass'), ACL_PW);
const env = { SMPPD_TEST_REDIS_PW: REDIS_PW, SMPP_CUCC_PW: CUCC_PW };
const config = writeConfig({
  redisUrl: url, ports: sim.ports,
  extra: { redis: { url, prefix: 'smppd:', password: { env: 'SMPPD_TEST_REDIS_PW' } } },
  perCarrier: { cmcc: { password: { file: join(secrets, 'cmcc.pass') } }, cucc: { password: { env: 'SMPP_CUCC_PW' } } },
});
const numbers = ['13800138001', '13912345678', '13012345678', '+8613112345678'];

t.test('with Redis AUTH and SMPP passwords from env and file, jobs go through; the log shows no password and no full number', async (t) => {
  const daemon = spawnSmppd(['run', '--config', config, '--log-level', 'debug'], env);
  t.teardown(async () => { daemon.kill('SIGKILL'); await daemon.exited; });
  await daemon.waitFor(/smppd running/);
  for (const [i, to] of numbers.entries()) await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: `sec-${i}`, to, text: `secret test ${i}` }));
  await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: 'sec-bad', to: '12345', text: 'bad number' }));
  const evs = await waitForEvents(redis, (e) => numbers.every((_, i) => e.some((x) => x.id === `sec-${i}` && x.state === 'delivered')) && e.some((x) => x.id === 'sec-bad'));
  t.same([...new Set(evs.filter((e) => e.state === 'delivered').map((e) => e.carrier))].sort(), ['cmcc', 'cucc'], 'both carriers bound with their passwords');
  t.equal(sim.stats().cmcc!.bindsRefused + sim.stats().cucc!.bindsRefused, 0, 'no bind was refused');

  const mport = Number(/"metricsPort":(\d+)/.exec(daemon.output())?.[1]);
  const metrics = await (await fetch(`http://127.0.0.1:${mport}/metrics`)).text();
  daemon.kill('SIGTERM');
  t.equal((await daemon.exited).code, 0);

  const out = daemon.output();
  t.ok(out.split('\n').length > 20, 'debug logging produced lines to search');
  for (const pw of [REDIS_PW, CMCC_PW, CUCC_PW]) t.notOk(out.includes(pw), `the log never prints ${pw.slice(0, 6)}…`);
  for (const n of numbers) {
    const digits = n.replace(/^\+/, '');
    t.notOk(out.includes(digits.slice(-11)), `the log never prints ${digits.slice(0, 3)}… in full`);
    t.notOk(metrics.includes(digits.slice(-11)), 'nor does /metrics');
  }
  t.notMatch(metrics, /sec-\d|sec-bad/, 'no job id is a label value');
});

t.test('a wrong Redis password exits 69 without printing it', async (t) => {
  const bad = writeConfig({ redisUrl: url, ports: sim.ports, extra: { redis: { url, password: 'Wrong-Pw-123' } } });
  const d = spawnSmppd(['run', '--config', bad]);
  t.equal((await d.exited).code, 69);
  t.match(d.output(), /REDIS_UNAVAILABLE/);
  t.notOk(d.output().includes('Wrong-Pw-123'));
});

t.test('a missing secret refuses the config and names the field (exit 78)', async (t) => {
  const d = spawnSmppd(['check-config', '--config', config], { SMPPD_TEST_REDIS_PW: REDIS_PW });
  t.equal((await d.exited).code, 78);
  t.match(d.output(), /CONFIG_INVALID: carriers\[1\]\.password: environment variable SMPP_CUCC_PW is not set/);
});

t.test('an ACL user with the documented rules runs the daemon; a password in the URL authenticates too', async (t) => {
  const acl = writeConfig({ redisUrl: url, ports: sim.ports, extra: { redis: { url, username: 'smppd', password: { file: join(secrets, 'redis-user.pass') } } },
    perCarrier: { cmcc: { password: { file: join(secrets, 'cmcc.pass') } }, cucc: { password: { env: 'SMPP_CUCC_PW' } } } });
  const daemon = spawnSmppd(['run', '--config', acl], env);
  t.teardown(async () => { daemon.kill('SIGKILL'); await daemon.exited; });
  await daemon.waitFor(/smppd running/);
  await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: 'acl-1', to: '13800138009', text: 'as an ACL user' }));
  await waitForEvents(redis, (e) => e.some((x) => x.id === 'acl-1' && x.state === 'delivered'));
  const withUser = spawnSmppd(['status', '--config', acl, '--json'], env);
  t.equal((await withUser.exited).code, 0, withUser.output());
  daemon.kill('SIGTERM');
  t.equal((await daemon.exited).code, 0, 'and stops cleanly');
  t.notMatch(daemon.output(), /NOPERM|no permissions/i);
  const inUrl = writeConfig({ redisUrl: url, ports: sim.ports, extra: { redis: { url: `redis://smppd:${ACL_PW}@127.0.0.1:${port}` } } });
  const d = spawnSmppd(['status', '--config', inUrl], env);
  t.equal((await d.exited).code, 0, d.output());
  const noAuth = writeConfig({ redisUrl: url, ports: sim.ports, extra: { redis: { url } } });
  const refused = spawnSmppd(['status', '--config', noAuth]);
  t.equal((await refused.exited).code, 69, 'without credentials the same Redis refuses');
});

function listening(p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(p, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}
