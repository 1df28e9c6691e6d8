/**
 * The crash soak (not in the default test run): `npm run soak`. Pushes SOAK_JOBS jobs in waves,
 * SIGKILLs the daemon SOAK_KILLS times at random points (every third round Redis is restarted
 * too), then checks what test/e2e/crash-sigkill.test.ts checks, on a longer run:
 * every job exactly one final event; no job that did not ask to be resent reached the SMSC twice;
 * duplicates within the open windows at the kills. Exit 0 when all holds, 1 otherwise.
 *   SOAK_JOBS=20000 SOAK_KILLS=20 npm run soak
 */
import { Redis } from 'ioredis';
import { startSimulator } from '../../src/sim/index.js';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';
import { FINAL, spawnSmppd, writeConfig, type Daemon, type Ev } from '../helpers/daemon.js';

const JOBS = Number(process.env.SOAK_JOBS ?? 20_000);
const KILLS = Number(process.env.SOAK_KILLS ?? 20);
const WINDOW = 20;
const CARRIERS = ['cmcc', 'cucc', 'ctcc'];
const NUMBERS = ['1380013', '1300012', '1330013'];
const RESEND_EVERY = 10;

const srv = await startRedis({ aof: true });
const sim = await startSimulator({ keepSubmits: JOBS * 2, carriers: CARRIERS.map((name) => ({ name, port: 0, behaviours: { receiptRetryMs: 2000, throttlePct: 1 } })) });
const redis = new Redis(srv.url, { maxRetriesPerRequest: null });
redis.on('error', () => undefined);
const config = writeConfig({ redisUrl: srv.url, ports: sim.ports, carrier: { tps: 150, windowSize: WINDOW } });
const t0 = Date.now();
let daemon: Daemon | undefined;

async function finalEvents(): Promise<Ev[]> {
  const out: Ev[] = [];
  let from = '-';
  for (;;) {
    const page = await redis.xrange('smppd:events', from, '+', 'COUNT', 5000);
    for (const [, f] of page) { const e = JSON.parse(f[1]!) as Ev; if (FINAL.has(e.state)) out.push(e); }
    if (page.length < 5000) return out;
    from = `(${page[page.length - 1]![0]}`;
  }
}

async function waitRunning(d: Daemon): Promise<void> {
  // Ready: its metrics port (logged at start) answers /readyz 200, every carrier bound.
  const until = Date.now() + 60_000;
  for (;;) {
    const port = Number(/"metricsPort":(\d+)/.exec(d.output())?.[1]);
    if (port > 0 && (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0)) === 200) return;
    if (d.child.exitCode !== null) throw new Error(`daemon exited ${d.child.exitCode}: ${d.output().slice(-2000)}`);
    if (Date.now() > until) throw new Error('daemon not ready in 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

let pushed = 0;
async function pushWave(n: number): Promise<void> {
  const p = redis.pipeline();
  for (let k = 0; k < n && pushed < JOBS; k++, pushed++) {
    const i = pushed;
    p.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: `soak-${i}`, to: `${NUMBERS[i % 3]}${String(i % 10_000).padStart(4, '0')}`, text: `soak ${i}`, resend: i % RESEND_EVERY === 0 }));
  }
  await p.exec();
}

let redisRestarts = 0;
try {
  for (let k = 0; k < KILLS; k++) {
    await pushWave(Math.ceil(JOBS / KILLS));
    daemon = spawnSmppd(['run', '--config', config]);
    await waitRunning(daemon);
    await new Promise((r) => setTimeout(r, 300 + Math.random() * 2500));
    if (k % 3 === 2) { await srv.stop(); await srv.start(); redisRestarts++; }
    daemon.kill('SIGKILL');
    await daemon.exited;
    process.stdout.write(`kill ${k + 1}/${KILLS}: ${sim.submits.length} submits so far\n`);
  }
  await pushWave(JOBS);
  daemon = spawnSmppd(['run', '--config', config]);
  await waitRunning(daemon);
  const until = Date.now() + 30 * 60_000;
  let finals: Ev[] = [];
  for (;;) {
    finals = (await finalEvents()).filter((e) => e.id.startsWith('soak-'));
    if (new Set(finals.map((e) => e.id)).size >= JOBS || Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  await new Promise((r) => setTimeout(r, 2000));
  finals = (await finalEvents()).filter((e) => e.id.startsWith('soak-'));

  const perJob = new Map<string, number>();
  const states: Record<string, number> = {};
  for (const e of finals) { perJob.set(e.id, (perJob.get(e.id) ?? 0) + 1); states[e.state] = (states[e.state] ?? 0) + 1; }
  const sent = new Map<string, number>();
  for (const s of sim.submits) if (s.status === 0 || !s.answered) sent.set(s.text, (sent.get(s.text) ?? 0) + 1);
  let dups = 0;
  const badDup: string[] = [];
  for (let i = 0; i < JOBS; i++) {
    const n = sent.get(`soak ${i}`) ?? 0;
    if (n > 1) { dups += n - 1; if (i % RESEND_EVERY !== 0) badDup.push(`soak-${i} x${n}`); }
  }
  const missing = JOBS - perJob.size;
  const twice = [...perJob.values()].filter((n) => n > 1).length;
  const bound = KILLS * WINDOW * CARRIERS.length;
  const ok = missing === 0 && twice === 0 && badDup.length === 0 && dups <= bound;
  console.log(JSON.stringify({
    ok, kills: KILLS, redisRestarts, jobs: JOBS, missing, twoFinals: twice, badDuplicates: badDup.slice(0, 10),
    duplicatesOfSJobs: dups, bound, states, submits: sim.submits.length, seconds: Math.round((Date.now() - t0) / 1000),
  }));
  process.exitCode = ok ? 0 : 1;
} finally {
  daemon?.kill('SIGKILL');
  await daemon?.exited;
  redis.disconnect();
  await sim.close();
  await srv.stop();
  removeRedisDir(srv);
}
