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
  t.equal(one('ConfigurationDirectory'), 'smppd');
  t.equal(one('StateDirectory'), 'smppd');
  t.equal(one('Restart'), 'on-failure');
  t.equal(one('ExecReload'), '/bin/kill -HUP $MAINPID', 'the last reload step sends SIGHUP');
  t.match(one('ExecStart') ?? '', / run --config \$\{CONFIGURATION_DIRECTORY\}\/smppd\.yaml$/);
  t.ok(Number(one('LimitNOFILE')) >= 65536, 'LimitNOFILE raised');
  t.same((one('RestartPreventExitStatus') ?? '').split(/\s+/).sort(), ['64', '73', '78'],
    'a bad command line, a live twin and an invalid config do not restart in a loop');
});

t.test('the unit, npm start and the executable\'s first line start node with the same V8 flags', async (t) => {
  const flags = (cmd: string): string[] => cmd.split(/\s+/).filter((w) => w.startsWith('--') && !w.startsWith('--config'));
  const unit = flags(one('ExecStart') ?? '');
  t.ok(unit.includes('--max-semi-space-size=4'), 'the young generation is capped (RSS target, docs/BENCHMARKS-HISTORY.md, "Third round", change 11)');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  t.same(flags(pkg.scripts.start!.split(' dist/')[0]!), unit);
  const shebang = readFileSync(join(ROOT, 'src/main.ts'), 'utf8').split('\n')[0]!;
  t.same(flags(shebang), unit);
  t.same(daemonNodeFlags(), unit, 'the benchmarks run the daemon as the unit does');
});

t.test('the unit, npm start and the executable\'s first line run node with two malloc arenas', async (t) => {
  t.ok((svc.get('Environment') ?? []).includes('MALLOC_ARENA_MAX=2'), 'the unit sets it (RSS target, docs/BENCHMARKS-HISTORY.md, "Seventh round", change 30)');
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
  t.equal(one('SystemCallFilter'), '@system-service @pkey');
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
  t.equal(cfg.carriers[0]!.channels[0]!.password, 'secret', 'the example reads a password from a file');
  t.equal(cfg.redis.password, 'r', 'and the Redis password from the environment');
  t.equal(cfg.metrics.host, '127.0.0.1');
});

t.test('the service runs as the static user smppd that systemd/smppd.sysusers declares, not as a dynamic user', async (t) => {
  // A DynamicUser has no group that root-owned files can be given to: it could not read /etc/smppd.
  t.notOk(svc.has('DynamicUser'), 'no DynamicUser');
  t.equal(one('User'), 'smppd');
  t.equal(one('Group'), 'smppd');
  const sysusers = readFileSync(join(ROOT, 'systemd/smppd.sysusers'), 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  t.same(sysusers.map((l) => l.split(/\s+/).slice(0, 2)), [['u', 'smppd']], 'sysusers.d creates user and group smppd');
});

t.test('the syscall filter allows pkey_alloc, which V8 calls at start (SIGSYS on systemd 252 otherwise)', { skip: spawnSync('systemd-analyze', ['--version']).status === 0 ? false : 'systemd-analyze is not installed' }, async (t) => {
  const groups = (one('SystemCallFilter') ?? '').split(/\s+/);
  const r = spawnSync('systemd-analyze', ['syscall-filter', ...groups.filter((g) => g.startsWith('@'))], { encoding: 'utf8', timeout: 30_000 });
  t.equal(r.status, 0, r.stderr);
  const allowed = new Set([...r.stdout.split('\n').map((l) => l.trim()).filter((l) => /^[a-z_0-9]+$/.test(l)), ...groups]);
  for (const call of ['pkey_alloc', 'pkey_free', 'pkey_mprotect']) t.ok(allowed.has(call), `${call} allowed`);
});

t.test('a reload first runs check-config on the config ExecStart reads, with the same node and script, then sends SIGHUP', async (t) => {
  const reload = svc.get('ExecReload') ?? [];
  t.equal(reload.length, 2, 'two steps: check, then SIGHUP');
  const start = one('ExecStart') ?? '';
  const [node, ...startArgs] = start.split(/\s+/);
  const script = startArgs.find((w) => w.endsWith('/main.js'));
  t.same(reload[0]!.split(/\s+/), [node, script, 'check-config', '--config', start.split('--config ')[1]]);
  t.equal(reload[1], '/bin/kill -HUP $MAINPID');
});

t.test('the install steps in the unit header are those of docs/OPERATIONS.md, with the same owners and modes', async (t) => {
  const doc = readFileSync(join(ROOT, 'docs/OPERATIONS.md'), 'utf8');
  const install = doc.slice(doc.indexOf('<!-- install:'));
  const docLines = new Set(install.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()));
  const header = text.split('\n').filter((l) => l.startsWith('#   sudo ')).map((l) => l.slice(1).trim());
  t.ok(header.length >= 6, 'the header lists the install steps');
  for (const l of header) t.ok(docLines.has(l), `docs/OPERATIONS.md has: ${l}`);
  t.match(install, /install -d -m 0750 -g smppd \/etc\/smppd\n/, '/etc/smppd is 0750 root:smppd');
  t.match(install, /install -m 0640 -g smppd \/opt\/smppd\/systemd\/smppd\.yaml \/etc\/smppd\/smppd\.yaml/, 'the config is 0640 root:smppd');
  t.match(install, /check-config -c \/etc\/smppd\/smppd\.yaml/, 'the config is checked before the first start');
  t.match(install, /systemd-run [^\n]*-p User=smppd -p EnvironmentFile=-\/etc\/smppd\/smppd\.env/, 'as the service: its user and environment');
  t.ok((svc.get('EnvironmentFile') ?? []).includes('-/etc/smppd/smppd.env'), 'the environment file the check reads is the unit\'s');
});

t.test('npm run test:systemd runs the box script, and npm test does not', async (t) => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  t.equal(pkg.scripts['test:systemd'], 'bash test/systemd/box.sh');
  t.match(readFileSync(join(ROOT, '.taprc'), 'utf8'), /test\/\*\*\/\*\.test\.ts/, 'tap runs only *.test.ts files');
});
