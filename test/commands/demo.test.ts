import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { NO_CHILD_COVERAGE, ROOT, spawnSmppd } from '../helpers/daemon.js';
import { until } from '../helpers/until.js';

async function hold(): Promise<Server> {
  const s = createServer();
  await new Promise<void>((res) => s.listen(0, '127.0.0.1', res));
  return s;
}

// Ports another process holds, as a second demo finds its simulator's and its metrics port.
const simTaken = await hold();
const metricsTaken = await hold();
const portOf = (s: Server): number => (s.address() as AddressInfo).port;
t.teardown(() => { simTaken.close(); metricsTaken.close(); });

const dir = mkdtempSync(join(tmpdir(), 'smppd-demo-test-'));
const cfg = parse(readFileSync(join(ROOT, 'config/default.yaml'), 'utf8')) as { metrics: { port: number } };
cfg.metrics.port = portOf(metricsTaken);
const config = join(dir, 'demo.yaml');
writeFileSync(config, stringify(cfg), { mode: 0o600 });
// The installed command: a link named smppd, as npm install -g makes one.
mkdirSync(join(dir, 'bin'));
symlinkSync(join(ROOT, 'src/main.ts'), join(dir, 'bin', 'smppd'));

/**
 * `smppd demo` through `script` on the taken ports, with no Redis answering at port 1 (it starts its own,
 * its data under `state`), until `delivered` sample jobs are delivered.
 */
async function startDemo(t: Test, script: string, config: string, state: string, delivered: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, 'demo', '--config', config, '--base-port', String(portOf(simTaken))], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...NO_CHILD_COVERAGE, REDIS_URL: 'redis://127.0.0.1:1', XDG_STATE_HOME: state, LOG_LEVEL: 'warn' },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  // SIGTERM first, as Ctrl-C: the demo then stops the private redis-server it started (SIGKILL would leave it).
  t.teardown(async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  });
  await until(`${delivered} sample jobs delivered`, () => (out.match(/^event: delivered /gm) ?? []).length >= delivered || child.exitCode !== null, 60_000);
  t.equal(child.exitCode, null, out);
  return { child, out: () => out, exited };
}

t.test('a demo whose ports are taken moves them, keeps its Redis data in the state directory and prints a hint that works', async (t) => {
  const demo = await startDemo(t, join(dir, 'bin', 'smppd'), config, join(dir, 'state'), 2);
  const { child, exited } = demo;
  const out = demo.out();

  t.match(out, new RegExp(`ports ${portOf(simTaken)}-${portOf(simTaken) + 3} are taken`));
  const sim = /simulator listening on cmcc=127\.0\.0\.1:(\d+) cucc=127\.0\.0\.1:(\d+) ctcc=127\.0\.0\.1:(\d+)/.exec(out);
  t.ok(sim, 'the simulator names its ports');
  t.not(Number(sim![1]), portOf(simTaken));
  t.match(out, new RegExp(`carriers cmcc=127\\.0\\.0\\.1:${sim![1]} cucc=127\\.0\\.0\\.1:${sim![2]} ctcc=127\\.0\\.0\\.1:${sim![3]}`), 'the daemon uses them');
  const metrics = Number(/metrics http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(out)?.[1]);
  t.not(metrics, portOf(metricsTaken), 'the metrics port moved too');
  t.equal((await fetch(`http://127.0.0.1:${metrics}/healthz`)).status, 200, 'and answers there');

  const data = join(dir, 'state', 'smppd-demo', 'redis');
  t.match(out, `data in ${data}`);
  t.ok(existsSync(data) && readdirSync(data).length > 0, 'redis-server writes its data there');
  t.notOk(existsSync(join(ROOT, '.smppd-demo')), 'nothing is written in the package directory');

  const hint = /^demo: {3}smppd send --redis (redis:\/\/127\.0\.0\.1:\d+) --to 13912345678 --text "hello" --wait 5000$/m.exec(out);
  t.ok(hint, 'the hint names the installed command');
  const send = spawnSmppd(['send', '--redis', hint![1]!, '--to', '13912345678', '--text', 'hello', '--wait', '30000']);
  t.equal((await send.exited).code, 0, send.output());
  t.match(send.output(), /"state":"delivered"/);

  child.kill('SIGTERM');
  t.equal(await exited, 0, 'Ctrl-C stops it all');
});

t.test('the demo on config/cmcc-cmpp.yaml sends China Mobile over CMPP to the simulated ISMG', async (t) => {
  // Two: the marketing sample waits for the end of quiet hours when the test runs at night in China.
  const demo = await startDemo(t, join(ROOT, 'src/main.ts'), join(ROOT, 'config/cmcc-cmpp.yaml'), join(dir, 'state-cmpp'), 2);
  const { child, exited } = demo;
  const out = demo.out();
  const ismg = /cmcc-cmpp=127\.0\.0\.1:(\d+)/.exec(out);
  t.ok(ismg, 'the simulator names its ISMG');
  t.match(out, new RegExp(`carriers cmcc=cmcc-cmpp\\(cmpp\\)@127\\.0\\.0\\.1:${ismg![1]},cmcc-smpp\\(smpp\\)@127\\.0\\.0\\.1:\\d+ `), 'the daemon sends cmcc to it first');
  t.match(out, /^event: submitted p:\S+ cmcc\/cmcc-cmpp msgIds=\d+ \{"sample":"otp"\}$/m, 'the OTP went out over CMPP');
  child.kill('SIGTERM');
  t.equal(await exited, 0, 'Ctrl-C stops it all');
});
