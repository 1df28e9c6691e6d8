import t from 'tap';
import { FINAL, waitForEvents, type Daemon } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';
import { jobFields } from '../../src/store/job-record.js';
import { Keys } from '../../src/store/keys.js';

const N = 300;
const DRAIN_MS = 15_000;
// Each test starts its own daemons; the teardown SIGKILLs any still running.
const { sim, redis, spawnDaemon } = await startStack(t, {
  aof: true, daemon: false,
  // Slow answers keep a window's worth of messages in flight when SIGTERM arrives.
  carriers: [{ name: 'cmcc', behaviours: { slowMs: 40 } }, { name: 'cucc', behaviours: { slowMs: 40 } }],
  // A drain far longer than a stop takes here, so "did not wait for the drain" has a wide margin.
  extra: { shutdown: { drainMs: DRAIN_MS } }, carrier: { tps: 50, windowSize: 10 },
});

const start = async (): Promise<Daemon> => {
  const d = spawnDaemon();
  await d.waitFor(/smppd running/);
  return d;
};

/** Every job's `st` field, and the jobs with no hash yet (still in the jobs stream). */
async function states(ids: string[]): Promise<Map<string, string>> {
  const res = await jobFields(redis, new Keys('smppd:'), ids, ['st']);
  return new Map(ids.map((id, i) => [id, res[i]![0] ?? '(in stream)']));
}

t.test('SIGTERM during a run of a few hundred jobs exits 0 within drainMs and leaves nothing claimed or in flight', async (t) => {
  const d = await start();
  const ids = Array.from({ length: N }, (_, i) => `stop-${i}`);
  const p = redis.pipeline();
  ids.forEach((id, i) => { p.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id, to: `1${i % 2 ? '38' : '30'}0013${String(i).padStart(4, '0')}`, text: `shutdown run ${i}` })); });
  await p.exec();
  await waitForEvents(redis, (e) => e.filter((x) => x.state === 'submitted').length >= 60);
  const t0 = Date.now();
  d.kill('SIGTERM');
  const { code } = await d.exited;
  const tookMs = Date.now() - t0;
  t.equal(code, 0, 'exit code 0');
  t.ok(tookMs < DRAIN_MS, `stopped in ${tookMs} ms, as soon as the answers in flight came (drainMs ${DRAIN_MS})`);
  t.match(d.output(), /"msg":"stopping: intake closed, draining in-flight messages"/);
  t.match(d.output(), /smppd stopping -> stopped/);

  t.equal(await redis.exists('smppd:inflight:test-daemon'), 0, 'the in-flight table is empty');
  const st = await states(ids);
  const counts: Record<string, number> = {};
  for (const s of st.values()) counts[s] = (counts[s] ?? 0) + 1;
  t.comment(`after SIGTERM: ${JSON.stringify(counts)}`);
  const allowed = new Set(['queued', 'scheduled', 'submitted', '(in stream)', ...FINAL]);
  const bad = [...st].filter(([, s]) => !allowed.has(s));
  t.same(bad, [], 'every job is final, submitted (awaiting its receipt) or still queued');
  t.ok(counts.queued || counts['(in stream)'], 'the stop came mid-run: some jobs were still waiting');
  t.notOk(await redis.get('smppd:lease:test-daemon'), 'the lease was released');
});

t.test('after a restart every job finishes, each sent exactly once', async (t) => {
  const d = await start();
  const evs = await waitForEvents(redis, (e) => new Set(e.filter((x) => x.id.startsWith('stop-') && FINAL.has(x.state)).map((x) => x.id)).size >= N, 40_000);
  const finals = evs.filter((e) => e.id.startsWith('stop-') && FINAL.has(e.state));
  t.equal(finals.length, N, 'one final event per job');
  t.ok(finals.every((e) => e.state === 'delivered'), 'all delivered');
  const texts = sim.submits.filter((s) => s.text.startsWith('shutdown run ')).map((s) => s.text);
  t.equal(texts.length, N, 'no job was written twice');
  t.equal(new Set(texts).size, N);
  d.kill('SIGTERM');
  t.equal((await d.exited).code, 0);
});

t.test('a second signal during the drain exits at once with 130', async (t) => {
  sim.setBehaviours('cmcc', { neverAnswer: true });
  const d = await start();
  await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: 'stuck-1', to: '13800138000', text: 'never answered' }));
  await until('the job on the wire', () => sim.submits.some((s) => s.text === 'never answered'));
  d.kill('SIGTERM');
  await d.waitFor(/draining in-flight messages/);
  const t0 = Date.now();
  d.kill('SIGINT');
  const { code } = await d.exited;
  t.equal(code, 130, 'forced exit code');
  t.ok(Date.now() - t0 < DRAIN_MS / 3, `exited in ${Date.now() - t0} ms, without waiting for the drain`);
  sim.setBehaviours('cmcc', {});
  // The next start recovers it: written, never answered -> unknown (the job did not ask to be resent).
  const d2 = await start();
  const evs = await waitForEvents(redis, (e) => e.some((x) => x.id === 'stuck-1' && FINAL.has(x.state)), 15_000);
  t.equal(evs.find((e) => e.id === 'stuck-1' && FINAL.has(e.state))!.state, 'unknown');
  d2.kill('SIGTERM');
  t.equal((await d2.exited).code, 0);
});
