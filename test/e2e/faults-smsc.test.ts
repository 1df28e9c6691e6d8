/**
 * SMSC faults from the simulator's named behaviours (src/sim/types.ts): under each one every job
 * reaches exactly one final state, the counts match what the SMSC saw, and no job the SMSC accepted
 * is written twice.
 */
import t, { type Test } from 'tap';
import type { SimBehaviours, SimSubmit } from '../../src/sim/types.js';
import { FINAL, readEvents, spawnSmppd, waitForEvents, type Ev } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

const { sim, redis, config, daemon } = await startStack(t, {
  // The first three binds are refused: the daemon must keep trying and then send what waited.
  carriers: [{ name: 'cmcc', behaviours: { refuseBinds: 3 } }],
  carrier: { responseTimeoutMs: 1000, throttlePauseMs: 100, reconnectMinMs: 50, reconnectMaxMs: 200 },
  // Every run sends to the same numbers, and rejectPct refuses random submits with ESME_RINVDSTADR: with
  // number hygiene on, a number refused in one run would be INVALID_NUMBER in the next (docs/CARE.md).
  extra: { queue: { leaseMs: 3000, retryBaseMs: 50, retryMaxMs: 200, maxAttempts: 4 }, care: { invalidSubmitStatuses: [] } },
  readyTimeoutMs: 30_000,
});

interface Run { finals: Ev[]; all: Ev[]; submits: SimSubmit[]; byState: Record<string, number> }

/** Pushes n jobs tagged `tag` (unique texts), waits until each has a final event, checks there is one. */
async function run(t: Test, tag: string, n: number, b: SimBehaviours | undefined, timeoutMs = 30_000): Promise<Run> {
  if (b) sim.setBehaviours('cmcc', b);
  const p = redis.pipeline();
  for (let i = 0; i < n; i++) p.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: `${tag}-${i}`, to: `1380013${String(i).padStart(4, '0')}`, text: `${tag} ${i}` }));
  await p.exec();
  const mine = (e: Ev): boolean => e.id.startsWith(`${tag}-`);
  await waitForEvents(redis, (e) => new Set(e.filter((x) => mine(x) && FINAL.has(x.state)).map((x) => x.id)).size >= n, timeoutMs);
  sim.setBehaviours('cmcc', {});
  await new Promise((r) => setTimeout(r, 300)); // a second final event would show up here
  const all = (await readEvents(redis)).filter(mine);
  const finals = all.filter((e) => FINAL.has(e.state));
  t.equal(finals.length, n, `${tag}: exactly one final event per job`);
  const byState: Record<string, number> = {};
  for (const e of finals) byState[e.state] = (byState[e.state] ?? 0) + 1;
  t.comment(`${tag}: ${JSON.stringify(byState)}`);
  return { finals, all, byState, submits: sim.submits.filter((s) => s.text.startsWith(`${tag} `)) };
}

/** Texts the SMSC accepted (answered 0) more than once. */
const acceptedTwice = (r: Run): string[] => {
  const seen = new Map<string, number>();
  for (const s of r.submits) if (s.answered && s.status === 0) seen.set(s.text, (seen.get(s.text) ?? 0) + 1);
  return [...seen.entries()].filter(([, c]) => c > 1).map(([x]) => x);
};

t.test('refuseBinds: jobs wait for the fourth bind and are then all delivered', async (t) => {
  const r = await run(t, 'refuse', 30, undefined);
  t.equal(r.byState.delivered, 30);
  t.ok(sim.stats().cmcc!.bindsRefused >= 3, 'three binds were refused first');
  t.same(acceptedTwice(r), []);
});

t.test('slowMs: slow answers only slow things down', async (t) => {
  const r = await run(t, 'slow', 40, { slowMs: 300 });
  t.equal(r.byState.delivered, 40);
  t.equal(r.submits.length, 40, 'each written once');
});

t.test('throttlePct 5: throttled jobs are sent again without counting an attempt and all are delivered', async (t) => {
  const r = await run(t, 'throttle', 200, { throttlePct: 5 });
  t.equal(r.byState.delivered, 200);
  t.ok(r.submits.some((s) => s.status === 0x58), 'some were throttled');
  t.same(acceptedTwice(r), [], 'each accepted once');
  t.notOk(r.all.some((e) => e.state === 'retrying'), 'throttling is not a retry');
});

t.test('errorPct: transient errors are retried; jobs end delivered or RETRIES_EXHAUSTED', async (t) => {
  const r = await run(t, 'transient', 60, { errorPct: 30 });
  t.equal((r.byState.delivered ?? 0) + (r.byState.failed ?? 0), 60);
  t.ok(r.all.some((e) => e.state === 'retrying' && e.code === 'SMSC_TRANSIENT'), 'retrying events carry SMSC_TRANSIENT');
  t.ok(r.finals.filter((e) => e.state === 'failed').every((e) => e.code === 'RETRIES_EXHAUSTED'));
  t.same(acceptedTwice(r), []);
  const delivered = r.finals.filter((e) => e.state === 'delivered').length;
  t.equal(new Set(r.submits.filter((s) => s.status === 0).map((s) => s.text)).size, delivered, 'one accepted submit per delivered job');
});

t.test('rejectPct: permanent errors fail at once with SMSC_REJECTED; the counts match the SMSC', async (t) => {
  const r = await run(t, 'reject', 60, { rejectPct: 30 });
  const refused = r.submits.filter((s) => s.status === 0x0b).length;
  t.ok(refused > 0, 'some were refused');
  t.equal(r.byState.failed ?? 0, refused, 'one failed job per refused submit');
  t.ok(r.finals.filter((e) => e.state === 'failed').every((e) => e.code === 'SMSC_REJECTED'));
  t.equal(r.byState.delivered, 60 - refused);
  t.equal(r.submits.length, 60, 'a permanent error is never retried');
});

t.test('receiptBeforeResp: receipts that beat their response are held and applied', async (t) => {
  const r = await run(t, 'early', 40, { receiptBeforeResp: true });
  t.equal(r.byState.delivered, 40);
  const odd = r.finals.filter((e) => r.all.filter((x) => x.id === e.id).map((x) => x.state).join() !== 'submitted,delivered');
  t.same(odd.map((e) => e.id), [], 'every job: submitted then delivered, nothing else');
});

t.test('dropAfter: a dropped connection makes the unanswered jobs unknown, the rest go through, none twice', async (t) => {
  const r = await run(t, 'drop', 60, { dropAfter: 15 });
  t.ok((r.byState.unknown ?? 0) >= 1, 'the unanswered ones end unknown');
  t.equal((r.byState.delivered ?? 0) + (r.byState.unknown ?? 0), 60);
  t.ok(r.finals.filter((e) => e.state === 'unknown').every((e) => e.code === 'UNKNOWN_OUTCOME'));
  const texts = r.submits.map((s) => s.text);
  t.equal(new Set(texts).size, texts.length, 'no job written twice');
});

t.test('garbageAfter: a garbage answer closes the session; the job in question ends unknown, none twice', async (t) => {
  const r = await run(t, 'garbage', 40, { garbageAfter: 10 });
  t.ok((r.byState.unknown ?? 0) >= 1);
  t.equal((r.byState.delivered ?? 0) + (r.byState.unknown ?? 0), 40);
  const texts = r.submits.map((s) => s.text);
  t.equal(new Set(texts).size, texts.length, 'no job written twice');
  t.equal(daemon.child.exitCode, null, 'the daemon is still running');
});

t.test('neverAnswer: every job times out and ends unknown, never resent; the streak of timeouts drops the bind, which rebinds', async (t) => {
  const connectionsBefore = sim.stats().cmcc!.connections;
  const r = await run(t, 'silent', 20, { neverAnswer: true });
  t.equal(r.byState.unknown, 20);
  t.equal(r.submits.length, 20, 'each written once');
  t.match(daemon.output(), /requests in a row unanswered/, 'the bind was dropped for its streak of timeouts');
  await until('a new bind', () => sim.stats().cmcc!.connections > connectionsBefore, 20_000);
  t.pass('the daemon connected again');
});

t.test('nackZero: a generic_nack with status 0 is no acceptance; the jobs are retried and end RETRIES_EXHAUSTED', async (t) => {
  const r = await run(t, 'nack', 10, { nackZero: true }, 20_000);
  t.equal(r.byState.failed, 10);
  t.ok(r.finals.every((e) => e.code === 'RETRIES_EXHAUSTED'));
  t.ok(r.all.some((e) => e.state === 'retrying' && e.code === 'SMSC_TRANSIENT'), 'retried as a transient error');
  t.notOk(r.all.some((e) => e.state === 'submitted'), 'never submitted');
});

t.test('respNoId: status 0 without a message_id is no acceptance; each job ends unknown, none written twice', async (t) => {
  const r = await run(t, 'noid', 10, { respNoId: true }, 20_000);
  t.equal(r.byState.unknown, 10);
  t.notOk(r.all.some((e) => e.state === 'submitted'), 'never submitted without an id');
  t.equal(r.submits.length, 10, 'each written once');
});

t.test('respWrongCommand: an enquire_link_resp under a submit\'s sequence number closes the session; jobs end unknown, none twice', async (t) => {
  const r = await run(t, 'wrongcmd', 10, { respWrongCommand: true }, 20_000);
  t.equal(r.byState.unknown, 10);
  t.equal(r.submits.length, 10, 'each written once');
  t.match(daemon.output(), /enquire_link_resp answers a request 0x00000004 under sequence number/, 'the session closed as BAD_PDU');
});

t.test('trickleMs: a response frame that never finishes closes the session at the frame deadline and the bind comes back', async (t) => {
  const connectionsBefore = sim.stats().cmcc!.connections;
  // One job: a single timeout is no streak, so only the frame deadline can close this session.
  sim.setBehaviours('cmcc', { trickleMs: 100 });
  await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: 'trickle-0', to: '13800130000', text: 'trickle 0' }));
  await until('the partial frame to be refused', () => /partial frame/.test(daemon.output()), 20_000);
  sim.setBehaviours('cmcc', {});
  await until('a new bind', () => sim.stats().cmcc!.connections > connectionsBefore, 20_000);
  const evs = await waitForEvents(redis, (e) => e.some((x) => x.id === 'trickle-0' && FINAL.has(x.state)));
  t.same(evs.filter((x) => x.id === 'trickle-0' && FINAL.has(x.state)).map((x) => x.state), ['unknown'], 'its job ends unknown, once');
  const ok = await run(t, 'aftertrickle', 3, {});
  t.equal(ok.byState.delivered, 3, 'the new bind sends');
});

t.test('moTruncated: a deliver_sm whose short_message is shorter than sm_length is refused with ESME_RINVMSGLEN and not stored', async (t) => {
  const before = await redis.xlen('smppd:mo');
  sim.setBehaviours('cmcc', { moTruncated: true });
  await t.rejects(sim.sendMo('cmcc', { from: '13800138000', to: '10690', text: 'cut short' }), /status 0x1\b/);
  sim.setBehaviours('cmcc', {});
  await sim.sendMo('cmcc', { from: '13800138000', to: '10690', text: 'whole' });
  const mos = (await redis.xrange('smppd:mo', '-', '+')).slice(before).map(([, f]) => JSON.parse(f[1]!));
  t.same(mos.map((m) => m.text), ['whole'], 'only the whole MO is stored, on the same session');
});

t.test('after the faults: a good job goes through, errors that exhaust attempts land in dead letters shown by smppd status', async (t) => {
  const r = await run(t, 'dead', 5, { errorPct: 100 });
  t.equal(r.byState.failed, 5);
  t.equal(await redis.zcard('smppd:dead') >= 5, true);
  const st = spawnSmppd(['status', '--config', config]);
  t.equal((await st.exited).code, 0);
  const dead = Number(/dead letters: (\d+)/.exec(st.output())?.[1]);
  t.equal(dead, await redis.zcard('smppd:dead'), 'smppd status counts the dead letters');
  t.match(st.output(), /test-daemon\s+\d+\s+0/, 'and the daemon, nothing in flight');
  const ok = await run(t, 'after', 3, {});
  t.equal(ok.byState.delivered, 3);
});
