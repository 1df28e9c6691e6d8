/**
 * Two daemons (instanceId daemon-a, daemon-b) on one Redis share the work and never send a job twice;
 * when one is SIGKILLed the other recovers its in-flight jobs once its lease expires
 * (docs/ARCHITECTURE.md, "State of a job (Redis is the truth)").
 */
import t from 'tap';
import { FINAL, readEvents, spawnSmppd, waitForEvents, writeConfig, type Ev } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';

const CARRIERS = ['cmcc', 'cucc', 'ctcc'];
const NUMBERS = ['1380013', '1300012', '1330013'];
const WINDOW = 10;
// Two daemons with configs of their own; the teardown SIGKILLs both.
const { srv, sim, redis, spawnDaemon } = await startStack(t, { aof: true, carriers: CARRIERS, daemon: false });
const cfg = (id: string, leaseMs: number): string => writeConfig({
  redisUrl: srv.url, ports: sim.ports, carrier: { tps: 200, windowSize: WINDOW },
  extra: { instanceId: id, queue: { leaseMs } },
});
// daemon-a's lease outlives the few hundred ms `smppd status` needs to start on a loaded machine, so the
// status check below sees its in-flight table before daemon-b (checking every second) takes it over.
const cfgA = cfg('daemon-a', 4000);
const a = spawnDaemon({ config: cfgA });
const b = spawnDaemon({ config: cfg('daemon-b', 1000) });
await Promise.all([a.waitFor(/smppd running/, 60_000), b.waitFor(/smppd running/, 60_000)]);
// The later of the two sends only once the other has lowered its share of the TPS (lease joining -> held):
// jobs pushed before then would all go to the first.
await Promise.all([a.waitFor(/lease \w+ -> held/, 60_000), b.waitFor(/lease \w+ -> held/, 60_000)]);

const okSubmits = async (out: string): Promise<number> => {
  const port = Number(/"metricsPort":(\d+)/.exec(out)?.[1]);
  const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return [...body.matchAll(/smppd_submits_total\{carrier="\w+",channel="[\w-]+",result="ok"\} (\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
};

async function push(tag: string, n: number): Promise<void> {
  const p = redis.pipeline();
  for (let i = 0; i < n; i++) p.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: `${tag}-${i}`, to: `${NUMBERS[i % 3]}${String(i).padStart(4, '0')}`, text: `${tag} text ${i}` }));
  await p.exec();
}

const timesSent = (text: string): number => sim.submits.filter((s) => s.text === text).length;
const finalsOf = (evs: Ev[], tag: string): Ev[] => evs.filter((e) => e.id.startsWith(`${tag}-`) && FINAL.has(e.state));

t.test('two daemons share 300 jobs and the SMSC sees each one once', async (t) => {
  await push('share', 300);
  const evs = await waitForEvents(redis, (e) => finalsOf(e, 'share').length >= 300, 60_000);
  t.equal(finalsOf(evs, 'share').filter((e) => e.state === 'delivered').length, 300, 'all delivered');
  const twice = Array.from({ length: 300 }, (_, i) => `share text ${i}`).filter((x) => timesSent(x) !== 1);
  t.same(twice, [], 'each job written exactly once');
  const [sa, sb] = [await okSubmits(a.output()), await okSubmits(b.output())];
  t.ok(sa > 0 && sb > 0, `both daemons sent (a ${sa}, b ${sb})`);
  t.equal(sa + sb, 300, 'the two counts add up');
});

t.test('when daemon-a is SIGKILLed with jobs in flight, daemon-b takes them over after the lease expires', async (t) => {
  // Slow answers keep jobs in S long enough for the kill to catch some.
  for (const c of CARRIERS) sim.setBehaviours(c, { slowMs: 400 });
  await push('takeover', 300);
  const until = Date.now() + 20_000;
  while ((await redis.hlen('smppd:inflight:daemon-a')) === 0) {
    if (Date.now() > until) throw new Error('daemon-a never had anything in flight');
    await new Promise((r) => setTimeout(r, 20));
  }
  a.kill('SIGKILL');
  t.equal((await a.exited).signal, 'SIGKILL');
  const left = await redis.hgetall('smppd:inflight:daemon-a');
  const inS = Object.values(left).filter((s) => s.startsWith('S')).length; // S<claim tag>
  t.ok(Object.keys(left).length > 0, `daemon-a left ${Object.keys(left).length} jobs in flight (${inS} in S)`);

  const st = spawnSmppd(['status', '--config', cfgA, '--json']);
  t.equal((await st.exited).code, 0);
  const report = JSON.parse(st.output()) as { daemons: { id: string; inFlight: number }[] };
  t.ok((report.daemons.find((d) => d.id === 'daemon-a')?.inFlight ?? 0) > 0, 'smppd status shows the dead daemon\'s in-flight jobs');

  for (const c of CARRIERS) sim.setBehaviours(c, {});
  const evs = await waitForEvents(redis, (e) => finalsOf(e, 'takeover').length >= 300, 60_000);
  await b.waitFor(/recovered the in-flight jobs of a dead peer/);
  t.equal(await redis.exists('smppd:inflight:daemon-a'), 0, 'the dead daemon\'s in-flight table is gone');
  t.equal(await redis.exists('smppd:health:daemon-a'), 0, 'and so is its view of its channels\' health');
  const finals = finalsOf(await readEvents(redis), 'takeover');
  t.equal(finals.length, 300, 'one final event per job');
  t.equal(new Set(finals.map((e) => e.id)).size, 300);
  const unknown = finals.filter((e) => e.state === 'unknown');
  t.ok(unknown.length <= inS, `only jobs in S end unknown (${unknown.length} <= ${inS})`);
  t.ok(unknown.length <= WINDOW * CARRIERS.length, 'no more than the open windows');
  t.equal(finals.filter((e) => e.state === 'delivered').length + unknown.length, 300, 'the rest delivered');
  const twice = Array.from({ length: 300 }, (_, i) => `takeover text ${i}`).filter((x) => timesSent(x) > 1);
  t.same(twice, [], 'no job was written twice');
  t.ok(evs.length > 0);

  const st2 = spawnSmppd(['status', '--config', cfgA, '--json']);
  await st2.exited;
  const after = JSON.parse(st2.output()) as { daemons: { id: string }[] };
  t.same(after.daemons.map((d) => d.id), ['daemon-b'], 'only the live daemon is listed afterwards');
});
