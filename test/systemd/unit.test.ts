import t from 'tap';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildConfig } from '../../src/config/schema.js';
import { ROOT } from '../helpers/daemon.js';
import { daemonEnv, daemonNodeFlags } from '../../bench/lib/smppd.js';

const UNIT = join(ROOT, 'systemd/smppd.service');
const text = readFileSync(UNIT, 'utf8');

/** [Service] settings as key -> values (a key may repeat). */
function settings(section: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) { cur = line; continue; }
    if (cur !== `[${section}]` || line === '' || line.startsWith('#')) continue;
    const i = line.indexOf('=');
    const k = line.slice(0, i);
    out.set(k, [...(out.get(k) ?? []), line.slice(i + 1)]);
  }
  return out;
}
const svc = settings('Service');
const one = (k: string): string | undefined => svc.get(k)?.at(-1);

t.test('systemd-analyze verify finds nothing to say about the unit', { skip: spawnSync('systemd-analyze', ['--version']).status === 0 ? false : 'systemd-analyze is not installed' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'smppd-unit-'));
  copyFileSync(UNIT, join(dir, 'smppd.service'));
  const r = spawnSync('systemd-analyze', ['verify', join(dir, 'smppd.service')], { encoding: 'utf8', timeout: 30_000 });
  t.equal(r.status, 0, r.stderr);
  const about = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.includes('smppd.service'));
  t.same(about, [], 'no warning names the unit');
});

t.test('a misspelt directive is reported by the same check (the check can fail)', { skip: spawnSync('systemd-analyze', ['--version']).status === 0 ? false : 'systemd-analyze is not installed' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'smppd-unit-'));
  writeFileSync(join(dir, 'smppd.service'), text.replace('LockPersonality=', 'LockPersonalty='));
  const r = spawnSync('systemd-analyze', ['verify', join(dir, 'smppd.service')], { encoding: 'utf8', timeout: 30_000 });
  t.match(r.stderr, /Unknown key .?LockPersonalty/);
});

t.test('the unit runs the daemon as an exec service that reloads on SIGHUP and restarts on failure', async (t) => {
  t.equal(one('Type'), 'exec');
  t.equal(one('DynamicUser'), 'yes');
  t.equal(one('ConfigurationDirectory'), 'smppd');
  t.equal(one('StateDirectory'), 'smppd');
  t.equal(one('Restart'), 'on-failure');
  t.equal(one('ExecReload'), '/bin/kill -HUP $MAINPID');
  t.match(one('ExecStart') ?? '', / run --config \$\{CONFIGURATION_DIRECTORY\}\/smppd\.yaml$/);
  t.ok(Number(one('LimitNOFILE')) >= 65536, 'LimitNOFILE raised');
  t.match(one('RestartPreventExitStatus') ?? '', /\b78\b/, 'an invalid config does not restart in a loop');
});

t.test('the unit, npm start and the executable\'s first line start node with the same V8 flags', async (t) => {
  const flags = (cmd: string): string[] => cmd.split(/\s+/).filter((w) => w.startsWith('--') && !w.startsWith('--config'));
  const unit = flags(one('ExecStart') ?? '');
  t.ok(unit.includes('--max-semi-space-size=4'), 'the young generation is capped (RSS target, docs/BENCHMARKS.md)');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  t.same(flags(pkg.scripts.start!.split(' dist/')[0]!), unit);
  const shebang = readFileSync(join(ROOT, 'src/main.ts'), 'utf8').split('\n')[0]!;
  t.same(flags(shebang), unit);
  t.same(daemonNodeFlags(), unit, 'the benchmarks run the daemon as the unit does');
});

t.test('the unit, npm start and the executable\'s first line run node with two malloc arenas', async (t) => {
  t.ok((svc.get('Environment') ?? []).includes('MALLOC_ARENA_MAX=2'), 'the unit sets it (RSS target, docs/BENCHMARKS.md)');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  t.match(pkg.scripts.start!, /^MALLOC_ARENA_MAX=2 node /);
  t.match(readFileSync(join(ROOT, 'src/main.ts'), 'utf8').split('\n')[0]!, /^#!\/usr\/bin\/env -S MALLOC_ARENA_MAX=2 node /);
  t.same(daemonEnv(), { NODE_ENV: 'production', MALLOC_ARENA_MAX: '2' }, 'the benchmarks give the daemon the unit\'s environment');
});

t.test('the unit is hardened, without MemoryDenyWriteExecute (V8 JIT needs W+X pages)', async (t) => {
  for (const k of ['NoNewPrivileges', 'ProtectHome', 'PrivateTmp', 'PrivateDevices', 'ProtectKernelTunables', 'ProtectKernelModules',
    'ProtectKernelLogs', 'ProtectControlGroups', 'ProtectClock', 'ProtectHostname', 'RestrictNamespaces', 'RestrictRealtime',
    'RestrictSUIDSGID', 'LockPersonality']) t.equal(one(k), 'yes', k);
  t.equal(one('ProtectSystem'), 'strict');
  t.equal(one('RestrictAddressFamilies'), 'AF_INET AF_INET6 AF_UNIX');
  t.equal(one('SystemCallFilter'), '@system-service');
  t.equal(one('SystemCallArchitectures'), 'native');
  t.notOk(svc.has('MemoryDenyWriteExecute'));
});

t.test('TimeoutStopSec outlasts the drain deadline of the default and the example config', async (t) => {
  const stopSec = Number(one('TimeoutStopSec'));
  const example = readFileSync(join(ROOT, 'systemd/smppd.yaml'), 'utf8');
  const dir = mkdtempSync(join(tmpdir(), 'smppd-ex-'));
  writeFileSync(join(dir, 'cmcc.pass'), 'secret\n');
  const env = { SMPPD_REDIS_PASSWORD: 'r', SMPP_CUCC_PASSWORD: 'c' };
  const cfg = buildConfig(parse(example.replace('/etc/smppd/cmcc.pass', join(dir, 'cmcc.pass'))), env);
  const dflt = buildConfig(parse(readFileSync(join(ROOT, 'config/default.yaml'), 'utf8')), {});
  for (const drainMs of [cfg.shutdown.drainMs, dflt.shutdown.drainMs]) {
    // Unbinding and closing Redis after the drain take a few seconds at most.
    t.ok(stopSec * 1000 >= drainMs + 5000, `TimeoutStopSec ${stopSec}s > drainMs ${drainMs} + 5 s`);
  }
  t.equal(cfg.carriers[0]!.password, 'secret', 'the example reads a password from a file');
  t.equal(cfg.redis.password, 'r', 'and the Redis password from the environment');
  t.equal(cfg.metrics.host, '127.0.0.1');
});
