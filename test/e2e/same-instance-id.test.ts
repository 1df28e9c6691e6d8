/**
 * A second daemon started with a live daemon's instanceId refuses to start (INSTANCE_IN_USE, exit 73) and
 * the running one is never disturbed; a daemon restarted after SIGKILL with the same id waits for its dead
 * predecessor's lease to lapse, then starts.
 */
import t from 'tap';
import { FINAL, readEvents, waitForEvents, type Ev } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';

// Long enough that the lease of a SIGKILLed daemon is still live when the next one (whose start, tsx
// included, takes seconds on a loaded machine) asks for it.
const LEASE_MS = 20_000;
const { sim, redis, spawnDaemon, daemon: first } = await startStack(t, {
  carriers: ['cmcc'], carrier: { tps: 200, windowSize: 20 }, extra: { instanceId: 'twin', queue: { leaseMs: LEASE_MS } },
});

async function push(tag: string, n: number, extra: Record<string, unknown> = {}): Promise<void> {
  const p = redis.pipeline();
  for (let i = 0; i < n; i++) p.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: `${tag}-${i}`, to: `1380013${String(i).padStart(4, '0')}`, text: `${tag} text ${i}`, ...extra }));
  await p.exec();
}
const finalsOf = (evs: Ev[], tag: string): Ev[] => evs.filter((e) => e.id.startsWith(`${tag}-`) && FINAL.has(e.state));
const timesSent = (text: string): number => sim.submits.filter((s) => s.text === text).length;

t.test('a second daemon with a live daemon\'s instanceId exits 73 and the first one\'s jobs are each sent once and delivered', async (t) => {
  // Slow answers keep jobs in flight (and `resend` jobs in S) while the twin starts.
  sim.setBehaviours('cmcc', { slowMs: 300 });
  await push('twin', 400, { resend: true });
  const twin = spawnDaemon();
  const { code } = await twin.exited;
  t.equal(code, 73, 'the twin exits 73');
  t.match(twin.output(), /INSTANCE_IN_USE: a live daemon holds the lease of instanceId twin/, 'and says why, with the code');
  t.match(twin.output(), /waiting for it to lapse \(a crashed predecessor\) or be renewed/, 'after waiting to tell a live daemon from a dead one');
  t.match(await redis.hgetall('smppd:health:twin'), { cmcc: /^healthy \d+$/ }, 'the running daemon\'s channel health, which `smppd status` shows, is left as it was');
  sim.setBehaviours('cmcc', {});
  await waitForEvents(redis, (e) => finalsOf(e, 'twin').length >= 400, 60_000);
  const finals = finalsOf(await readEvents(redis), 'twin');
  t.equal(finals.length, 400, 'one final event per job');
  t.equal(finals.filter((e) => e.state === 'delivered').length, 400, 'every job delivered: none ended unknown');
  const twice = Array.from({ length: 400 }, (_, i) => `twin text ${i}`).filter((x) => timesSent(x) !== 1);
  t.same(twice, [], 'each job written exactly once');
  t.notMatch(first.output(), /lease lost/, 'the running daemon never lost its lease');
  t.equal(first.child.exitCode, null, 'and still runs');
});

t.test('a daemon restarted after SIGKILL with the same instanceId starts once the dead one\'s lease lapses', async (t) => {
  first.kill('SIGKILL');
  await first.exited;
  t.ok((await redis.pttl('smppd:lease:twin')) > 0, 'the dead daemon\'s lease is still live');
  const startedAt = Date.now();
  const next = spawnDaemon();
  await next.waitFor(/smppd running/, LEASE_MS + 20_000);
  const tookMs = Date.now() - startedAt;
  t.match(next.output(), /waiting for it to lapse/, 'it waited for the lease');
  t.ok(tookMs < LEASE_MS + 20_000, `it started (${tookMs} ms after spawn, leaseMs ${LEASE_MS})`);
  await push('after', 20);
  const evs = await waitForEvents(redis, (e) => finalsOf(e, 'after').length >= 20, 30_000);
  t.equal(finalsOf(evs, 'after').filter((e) => e.state === 'delivered').length, 20, 'and sends');
});
