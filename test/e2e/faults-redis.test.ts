/**
 * Redis goes away under a running daemon: restarted (AOF) mid-run, and unreachable for longer than
 * the lease. smppd waits, /readyz says not ready while Redis is gone, it resumes and loses nothing.
 */
import t, { type Test } from 'tap';
import { FINAL, readEvents, waitForEvents, type Ev } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';

const CARRIERS = ['cmcc', 'cucc', 'ctcc'];
const NUMBERS = ['1380013', '1300012', '1330013'];
const { srv, sim, redis, daemon } = await startStack(t, {
  aof: true,
  // Receipts refused while Redis is down are resent every 2 s, 3 times: they outlive the outage.
  carriers: CARRIERS.map((name) => ({ name, behaviours: { receiptRetryMs: 2000 } })),
  redisOptions: { maxRetriesPerRequest: null }, ignoreRedisErrors: true, // the server is stopped on purpose
  carrier: { tps: 100 }, extra: { queue: { leaseMs: 2000 } },
  readyTimeoutMs: 30_000,
});
const port = Number(/"metricsPort":(\d+)/.exec(daemon.output())?.[1]);
const readyz = async (): Promise<{ status: number; checks: Record<string, boolean> }> => {
  const r = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: r.status, checks: ((await r.json()) as { checks: Record<string, boolean> }).checks };
};

async function push(tag: string, n: number): Promise<void> {
  const p = redis.pipeline();
  for (let i = 0; i < n; i++) p.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: `${tag}-${i}`, to: `${NUMBERS[i % 3]}${String(i).padStart(4, '0')}`, text: `${tag} ${i}` }));
  await p.exec();
}

/** Waits for every job of `tag` to end, then checks one final event each and no text written twice. */
async function settled(t: Test, tag: string, n: number): Promise<Record<string, number>> {
  const mine = (e: Ev): boolean => e.id.startsWith(`${tag}-`) && FINAL.has(e.state);
  await waitForEvents(redis, (e) => new Set(e.filter(mine).map((x) => x.id)).size >= n, 60_000);
  await new Promise((r) => setTimeout(r, 500));
  const finals = (await readEvents(redis)).filter(mine);
  t.equal(finals.length, n, `${tag}: one final event per job`);
  const texts = sim.submits.filter((s) => s.text.startsWith(`${tag} `)).map((s) => s.text);
  t.equal(new Set(texts).size, texts.length, `${tag}: no job written twice`);
  const byState: Record<string, number> = {};
  for (const e of finals) byState[e.state] = (byState[e.state] ?? 0) + 1;
  t.comment(`${tag}: ${JSON.stringify(byState)}`);
  return byState;
}

const submitted = async (tag: string): Promise<number> => (await readEvents(redis)).filter((e) => e.id.startsWith(`${tag}-`) && e.state === 'submitted').length;

t.test('Redis restarted mid-run (AOF): every job still ends once, none is written twice', async (t) => {
  await push('restart', 400);
  while ((await submitted('restart')) < 50) await new Promise((r) => setTimeout(r, 20));
  await srv.stop();
  await new Promise((r) => setTimeout(r, 300));
  await srv.start();
  const s = await settled(t, 'restart', 400);
  t.equal((s.delivered ?? 0) + (s.unknown ?? 0), 400, 'delivered, or unknown when the answer could not be recorded');
  t.equal(daemon.child.exitCode, null, 'the daemon kept running');
});

t.test('Redis unreachable longer than the lease: not ready meanwhile, then resumes and loses nothing', async (t) => {
  await push('outage', 300);
  while ((await submitted('outage')) < 30) await new Promise((r) => setTimeout(r, 20));
  await srv.stop();
  const until = Date.now() + 5000;
  let down: { status: number; checks: Record<string, boolean> } | undefined;
  while (Date.now() < until) {
    const r = await readyz();
    if (r.status === 503 && r.checks.redis === false) down = r;
    await new Promise((res) => setTimeout(res, 200));
  }
  t.equal(down?.status, 503, '/readyz is 503 while Redis is gone');
  t.equal(down?.checks.redis, false, 'and names the redis check');
  t.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200, '/healthz: the process itself is alive');
  await srv.start();
  const s = await settled(t, 'outage', 300);
  t.equal((s.delivered ?? 0) + (s.unknown ?? 0), 300, 'delivered, or unknown when the answer could not be recorded');
  const end = Date.now() + 30_000;
  let ready = await readyz();
  while (ready.status !== 200 && Date.now() < end) { await new Promise((r) => setTimeout(r, 200)); ready = await readyz(); }
  t.equal(ready.status, 200, '/readyz is 200 again');
  t.equal(daemon.child.exitCode, null, 'the daemon kept running');
  t.match(daemon.output(), /lease held -> lost/, 'the lease expired during the outage');
  t.match(daemon.output(), /lease lost -> (held|joining)/, 'and was taken again');
  t.match(daemon.output().slice(daemon.output().search(/lease held -> lost/)), /lease (lost|joining) -> held/, 'and held again');
});
