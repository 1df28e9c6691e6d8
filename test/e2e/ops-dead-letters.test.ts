import t from 'tap';
import { startStack } from '../helpers/stack.js';
import { spawnSmppd, waitForEvents, FINAL, type Ev } from '../helpers/daemon.js';

// cmcc answers every submit to two numbers with ESME_RSYSERR (transient): after 2 attempts those jobs
// end failed RETRIES_EXHAUSTED in the dead set, which keeps 2.
const SICK = ['8613800000021', '8613800000022', '8613800000023'];
const stack = await startStack(t, {
  carriers: ['cmcc'],
  behaviours: { cmcc: { statusFor: Object.fromEntries(SICK.map((n) => [n, 0x08])) } },
  extra: { queue: { leaseMs: 3000, maxAttempts: 2, retryBaseMs: 10, retryMaxMs: 50, deadMax: 2 } },
});
const { redis, sim, daemon, srv } = stack;
const push = (job: Record<string, unknown>) => redis.xadd('smppd:jobs', '*', 'job', JSON.stringify(job));
const finalOf = async (id: string): Promise<Ev> => (await waitForEvents(redis, (evs) => evs.some((e) => e.id === id && FINAL.has(e.state)), 30_000))
  .find((e) => e.id === id && FINAL.has(e.state))!;

async function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  const d = spawnSmppd(['dead', ...args, '--redis', srv.url]);
  const { code } = await d.exited;
  return { code, out: d.output() };
}

t.test('jobs whose attempts run out are dead letters, the oldest dropped beyond queue.deadMax', async (t) => {
  for (const [i, n] of SICK.entries()) {
    await push({ id: `sick-${i}`, to: `+${n}`, text: `attempt ${i}`, meta: { n: i } });
    const e = await finalOf(`sick-${i}`);
    t.equal(e.state, 'failed');
    t.equal(e.code, 'RETRIES_EXHAUSTED');
  }
  t.same(await redis.zrange('smppd:dead', 0, -1), ['sick-1', 'sick-2'], 'the oldest (sick-0) went first');
  t.equal(await redis.exists('smppd:body:sick-0'), 0, 'with the bodies it kept');
  t.equal(await redis.exists('smppd:body:sick-2'), 1, 'the others keep theirs, to be sent again');
});

t.test('`smppd dead list` shows them newest first with masked numbers, as text or JSON', async (t) => {
  const text = await cli(['list']);
  t.equal(text.code, 0, text.out);
  t.match(text.out, /^2 dead letters/);
  t.match(text.out, /sick-2 .*cmcc {2}transactional {2}\+861\*+23 {2}attempts 2 {2}retryable/);
  t.notMatch(text.out, /13800000022|13800000023/, 'no full number');
  const json = await cli(['list', '--json', '--limit', '1']);
  const parsed = JSON.parse(json.out) as { total: number; letters: { id: string; to: string; retryable: boolean }[] };
  t.equal(parsed.total, 2);
  t.same(parsed.letters.map((l) => [l.id, l.to, l.retryable]), [['sick-2', '+861********23', true]]);
});

t.test('`smppd dead retry` sends a dead letter again as a new job, once', async (t) => {
  sim.setBehaviours('cmcc', { statusFor: {} });
  const before = sim.submits.filter((s) => s.to === SICK[2]).length;
  const r = await cli(['retry', 'sick-2']);
  t.equal(r.code, 0, r.out);
  t.match(r.out, /sick-2: queued again as sick-2:r1/);
  const e = await finalOf('sick-2:r1');
  t.equal(e.state, 'delivered', 'the new job is delivered');
  t.same(e.meta, { n: 2 }, 'with the meta of the failed one');
  const evs = (await waitForEvents(redis, () => true)).filter((x) => x.id === 'sick-2:r1');
  t.match(evs[0], { state: 'queued', retryOf: 'sick-2' }, 'its first event names the job it retries');
  t.equal(sim.submits.filter((s) => s.to === SICK[2]).length, before + 1, 'one more submit to that number');
  t.equal(sim.submits.at(-1)!.text, 'attempt 2', 'the same text');
  const failed = (await waitForEvents(redis, () => true)).filter((x) => x.id === 'sick-2' && FINAL.has(x.state));
  t.equal(failed.length, 1, 'the failed job keeps its one final event');

  const again = await cli(['retry', 'sick-2']);
  t.equal(again.code, 1, 'retrying it again sends nothing');
  t.match(again.out, /sick-2: not sent \(missing\)/);
  t.notOk((await waitForEvents(redis, () => true)).some((x) => x.id === 'sick-2:r2'));
  t.equal((await cli(['retry'])).code, 64, 'retry without ids or --all is a usage error');
});

t.test('`smppd dead purge` drops by id, by age or all', async (t) => {
  await redis.zadd('smppd:dead', Date.now() - 3 * 86_400_000, 'ancient');
  t.equal((await cli(['purge', '--older-than', 'soon'])).code, 64, 'an unreadable duration is a usage error');
  const old = await cli(['purge', '--older-than', '2d']);
  t.match(old.out, /purged 1 dead letter$/m);
  t.same(await redis.zrange('smppd:dead', 0, -1), ['sick-1']);
  const all = await cli(['purge', '--all', '--json']);
  t.same(JSON.parse(all.out), { purged: 1 });
  t.equal(await redis.zcard('smppd:dead'), 0);
  t.equal(await redis.exists('smppd:body:sick-1'), 0, 'the kept bodies go with them');
});

t.test('every final outcome is counted once in smppd_jobs_final_total', async (t) => {
  const port = Number(/"metricsPort":(\d+)/.exec(daemon.output())?.[1]);
  const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  t.match(body, /smppd_jobs_final_total\{carrier="cmcc",class="transactional",state="failed"\} 3/);
  t.match(body, /smppd_jobs_final_total\{carrier="cmcc",class="transactional",state="delivered"\} 1/);
});
