import t from 'tap';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ROOT, spawnSmppd } from '../helpers/daemon.js';

async function smppd(args: string[]): Promise<{ code: number | null; out: string }> {
  const d = spawnSmppd(args);
  const { code } = await d.exited;
  return { code, out: d.output() };
}

t.test('--help works for the program and for every command, and names their options', async (t) => {
  const cases: [string[], RegExp[]][] = [
    [['--help'], [/Commands:/, /smppd run/, /smppd send/, /smppd status/, /smppd check-config/, /smppd optout/, /smppd simulate/]],
    [['run', '--help'], [/--config/, /--pretty/, /--log-level/]],
    [['send', '--help'], [/--to/, /--text/, /--class/, /--send-at/, /--expires-at/, /--dedup-key/, /--tz/, /--quiet-hours/, /--resend/, /--meta/, /--wait/, /--redis/]],
    [['status', '--help'], [/--json/, /--config/, /--redis/]],
    [['demo', '--help'], [/--base-port/, /--config/]],
    [['check-config', '--help'], [/--print/]],
    [['optout', '--help'], [/add/, /remove/, /check/]],
    [['simulate', '--help'], [/--base-port/, /--behaviours/]],
  ];
  const results = await Promise.all(cases.map(([args]) => smppd(args)));
  cases.forEach(([args, res], i) => {
    t.equal(results[i]!.code, 0, `${args.join(' ')} exits 0`);
    for (const re of res) t.match(results[i]!.out, re, `${args.join(' ')} shows ${re}`);
  });
});

t.test('a wrong command line exits 64 with the reason, and --version prints the package version', async (t) => {
  // Port 1: nothing listens there, so a command that ran by mistake could not reach any Redis.
  const nowhere = ['--redis', 'redis://127.0.0.1:1'];
  const [bogus, missing, badClass, version] = await Promise.all([
    smppd(['bogus']), smppd(['send', '--text', 'x', ...nowhere]), smppd(['send', '--to', '1', '--text', 'x', '--class', 'urgent', ...nowhere]), smppd(['--version']),
  ]);
  t.equal(bogus.code, 64);
  t.match(bogus.out, /smppd: Unknown argument: bogus/);
  t.equal(missing.code, 64);
  t.match(missing.out, /Missing required argument: to/);
  t.notMatch(missing.out, /pushed|REDIS_UNAVAILABLE/, 'the command itself did not run');
  t.equal(badClass.code, 64);
  t.match(badClass.out, /Invalid values/);
  t.equal(version.code, 0);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  t.equal(version.out.trim(), pkg.version);
});

t.test('send and optout report an unreachable Redis as REDIS_UNAVAILABLE (69) within seconds, password masked', async (t) => {
  const t0 = Date.now();
  const [send, opt] = await Promise.all([
    smppd(['send', '--to', '13800138000', '--text', 'x', '--redis', 'redis://user:hunter2@127.0.0.1:1']),
    smppd(['optout', 'check', '13800138000', '--redis', 'redis://127.0.0.1:1']),
  ]);
  t.equal(send.code, 69);
  t.match(send.out, /smppd send: REDIS_UNAVAILABLE: Redis at redis:\/\/\*\*\*@127\.0\.0\.1:1/);
  t.notMatch(send.out, /hunter2/);
  t.equal(opt.code, 69);
  t.ok(Date.now() - t0 < 15_000, 'no endless retrying');
});

t.test('simulate on a port another process holds exits with SIM_PORT_IN_USE, no stack trace', async (t) => {
  const taken = createServer();
  await new Promise<void>((res) => taken.listen(0, '127.0.0.1', res));
  t.teardown(() => new Promise((res) => taken.close(res)));
  const port = (taken.address() as AddressInfo).port;
  const r = await smppd(['simulate', '--base-port', String(port)]);
  t.equal(r.code, 1);
  t.match(r.out, new RegExp(`smppd: SIM_PORT_IN_USE: one of ports ${port}, ${port + 1}, ${port + 2} is taken`));
  t.notMatch(r.out, /internal error|\n\s+at /);
});
