/**
 * SIGKILL at random points (docs/ARCHITECTURE.md, "State of a job (Redis is the truth)"):
 * a run of a couple of thousand jobs with receipts over CMPP (cmcc) and SMPP (cucc, ctcc), the daemon killed and restarted several times, Redis with AOF everysec. At the end every job has exactly
 * one final event; a job never marked S was never sent twice; duplicates of S jobs stay within the
 * open windows at each kill.
 */
import t from 'tap';
import { FINAL, readEvents, waitForEvents, type Daemon, type Ev } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

const JOBS = Number(process.env.SMPPD_CRASH_JOBS ?? 2000);
const KILLS = Number(process.env.SMPPD_CRASH_KILLS ?? 5);
const WINDOW = 20; // per bind, one bind per carrier (writeConfig)
const CARRIERS = ['cmcc', 'cucc', 'ctcc'];
const NUMBERS = ['1380013', '1300012', '1330013']; // one prefix per carrier
const SP_ID = '901234';
const SECRET = 'cmpp-secret';

// The daemon is spawned (and killed) by the test itself; the teardown SIGKILLs whichever is left.
const { sim, redis, spawnDaemon } = await startStack(t, {
  aof: true, daemon: false,
  // Receipts resent every 1.5 s, 3 times: they outlive a restart of the daemon.
  // China Mobile is reached over CMPP 3.0 (the simulator plays its ISMG), the others over SMPP.
  carriers: CARRIERS.map((name) => ({
    name, behaviours: { receiptRetryMs: 1500, receiptDelayMs: 100 },
    ...(name === 'cmcc' ? { protocol: 'cmpp' as const, version: '3.0' as const, spId: SP_ID, secret: SECRET } : {}),
  })),
  // A per-carrier rate low enough that the run lasts several seconds and the kills land mid-send.
  carrier: { tps: 150, windowSize: WINDOW },
  perCarrier: {
    cmcc: { channels: [{ name: 'cmcc-direct', protocol: 'cmpp', systemId: SP_ID, password: SECRET, cmpp: { version: '3.0', spNumber: '1065700', serviceId: 'SMPPD' } }] },
  },
});
let daemon: Daemon | undefined;

const rand = (lo: number, hi: number): number => lo + Math.floor(Math.random() * (hi - lo));
const text = (i: number): string => `crash run ${i}`;

t.test(`${KILLS} SIGKILLs during ${JOBS} jobs: one final event each, no duplicate of a job never in S`, async (t) => {
  const resendEvery = 10; // every 10th job asks to be resent when its outcome is unknown
  const p = redis.pipeline();
  for (let i = 0; i < JOBS; i++) {
    const job = { id: `crash-${i}`, to: `${NUMBERS[i % 3]}${String(i).padStart(4, '0')}`, text: text(i), resend: i % resendEvery === 0 };
    p.xadd('smppd:jobs', '*', 'job', JSON.stringify(job));
  }
  await p.exec();

  const killedAt: { submits: number; finals: number }[] = [];
  for (let k = 0; k < KILLS; k++) {
    daemon = spawnDaemon();
    await daemon.waitFor(/smppd running/, 60_000);
    // A restarted daemon may first wait for its predecessor's lease to expire: kill it at a random point
    // after it has started sending, not while it is still waiting (then the kill would test nothing).
    const before = sim.submits.length;
    await until('a submit on the wire', () => sim.submits.length > before, 20_000);
    await new Promise((r) => setTimeout(r, rand(50, 600))); // a random point of the run
    daemon.kill('SIGKILL');
    const { signal } = await daemon.exited;
    t.equal(signal, 'SIGKILL', `kill ${k + 1} landed`);
    const finals = (await readEvents(redis)).filter((e) => FINAL.has(e.state)).length;
    killedAt.push({ submits: sim.submits.length, finals });
  }
  daemon = spawnDaemon();
  await daemon.waitFor(/smppd running/, 60_000);
  const isFinal = (e: Ev): boolean => FINAL.has(e.state) && e.id.startsWith('crash-');
  const evs = await waitForEvents(redis, (e) => new Set(e.filter(isFinal).map((x) => x.id)).size >= JOBS, 120_000);
  await new Promise((r) => setTimeout(r, 1000)); // a late second final event would show up here
  const all = (await readEvents(redis)).filter(isFinal);

  const perJob = new Map<string, Ev[]>();
  for (const e of all) perJob.set(e.id, [...(perJob.get(e.id) ?? []), e]);
  t.equal(perJob.size, JOBS, 'every job has a final event');
  const twice = [...perJob.entries()].filter(([, v]) => v.length > 1);
  t.same(twice.map(([id, v]) => `${id}: ${v.map((e) => e.state).join(',')}`), [], 'no job has two final events');

  const sent = new Map<string, number>();
  for (const s of sim.submits) sent.set(s.text, (sent.get(s.text) ?? 0) + 1);
  const unknownIds = new Set(all.filter((e) => e.state === 'unknown').map((e) => e.id));
  const badDup: string[] = [];
  let dups = 0;
  for (let i = 0; i < JOBS; i++) {
    const n = sent.get(text(i)) ?? 0;
    if (n <= 1) continue;
    dups += n - 1;
    // Only a job marked S can reach the wire twice, and then only when it asked to be resent.
    if (i % resendEvery !== 0) badDup.push(`crash-${i} x${n}${unknownIds.has(`crash-${i}`) ? ' (unknown)' : ''}`);
  }
  t.same(badDup, [], 'no job that never asked to be resent reached the SMSC twice');
  const bound = KILLS * WINDOW * CARRIERS.length;
  t.ok(dups <= bound, `duplicates (${dups}) within the open windows at the kills (${bound})`);
  const states: Record<string, number> = {};
  for (const [, v] of perJob) states[v[0]!.state] = (states[v[0]!.state] ?? 0) + 1;
  t.equal((states.delivered ?? 0) + (states.unknown ?? 0) + (states.undeliverable ?? 0), JOBS, 'every job delivered or, when killed in S, unknown');
  const neverSent = [...perJob.keys()].filter((id) => perJob.get(id)![0]!.state === 'delivered' && !sent.has(text(Number(id.slice(6)))));
  t.same(neverSent, [], 'a delivered job did reach the SMSC');
  // Every third job is China Mobile's (NUMBERS): each of those delivered went out over CMPP.
  const overCmpp = new Set(sim.submits.filter((s) => s.carrier === 'cmcc' && s.protocol === 'cmpp').map((s) => s.text));
  const cmccDelivered = [...perJob.keys()].map((id) => Number(id.slice(6))).filter((i) => i % 3 === 0 && perJob.get(`crash-${i}`)![0]!.state === 'delivered');
  t.ok(cmccDelivered.length > 0 && cmccDelivered.every((i) => overCmpp.has(text(i))), `China Mobile's ${cmccDelivered.length} delivered jobs went over CMPP`);
  t.ok(killedAt.some((k, i) => i > 0 && k.submits > killedAt[i - 1]!.submits), 'the kills landed while messages were being sent');
  const line = `crash suite: kills survived ${KILLS}, jobs checked ${JOBS}, states ${JSON.stringify(states)}, duplicates of S jobs ${dups} (bound ${bound}), simulator submits ${sim.submits.length}`;
  t.comment(line);
  console.log(line);
  daemon.kill('SIGTERM');
  t.equal((await daemon.exited).code, 0, 'the last daemon stops cleanly');
  t.ok(evs.length > 0);
});
