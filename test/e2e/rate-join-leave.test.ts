/**
 * The carrier's TPS holds at the SMSC in every one-second window while a second daemon joins a stream
 * and leaves it again, and while a third joins and dies: the joiner sends only once the running daemon
 * has lowered its share, and the running daemon takes the whole rate back only a rate window after the
 * other left, or once the dead one's lease has lapsed.
 */
import t from 'tap';
import { FINAL, waitForEvents, writeConfig } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';
import { busiestStart, maxInWindow } from '../helpers/max-in-window.js';

const TPS = 100;
const times = (text: string, what: string): number => text.split(what).length - 1;
const { srv, sim, redis, spawnDaemon } = await startStack(t, { carriers: ['cmcc'], daemon: false });
const cfg = (id: string, leaseMs = 15_000): string => writeConfig({
  redisUrl: srv.url, ports: sim.ports, carrier: { tps: TPS, windowSize: 50, binds: 2 },
  // The default leaseMs (15 s): renewals used to come every 5 s, and for that long both daemons sent a full share.
  extra: { instanceId: id, queue: { leaseMs } },
});


t.test(`at tps ${TPS}, no second at the SMSC holds more than ${TPS} submits while daemons join, leave and die`, async (t) => {
  const a = spawnDaemon({ config: cfg('rate-a') });
  await a.waitFor(/smppd running/, 60_000);
  // Keep about 300 jobs queued until daemon-b has joined and left: both send all along (the daemons take
  // seconds to start on a loaded machine, so a fixed batch could run out before the join).
  let pushed = 0;
  let pumping = true;
  const pump = (async () => {
    while (pumping) {
      if (pushed - sim.submits.length < 300) {
        const p = redis.pipeline();
        for (let i = pushed; i < pushed + 100; i++) p.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: `r-${i}`, to: `1380013${String(i % 10_000).padStart(4, '0')}`, text: `rate ${i}` }));
        await p.exec();
        pushed += 100;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  await until('daemon-a sending', () => sim.submits.length >= 150, 30_000);
  const b = spawnDaemon({ config: cfg('rate-b') });
  await b.waitFor(/lease joining -> held/, 60_000);
  const joinedAt = sim.submits.length;
  await until('both daemons sending', () => sim.submits.length >= joinedAt + 300, 60_000);
  b.kill('SIGTERM');
  t.equal((await b.exited).code, 0, 'daemon-b stops cleanly mid-stream');
  const leftAt = sim.submits.length;
  await until('daemon-a sending alone again', () => sim.submits.length >= leftAt + 300, 60_000);
  // A joiner that dies: its share comes back only once its lease lapses (4 s here), never sooner.
  const c = spawnDaemon({ config: cfg('rate-c', 4000) });
  await c.waitFor(/lease joining -> held/, 60_000);
  const cJoinedAt = sim.submits.length;
  await until('daemon-c sending', () => sim.submits.length >= cJoinedAt + 100, 60_000);
  c.kill('SIGKILL');
  await c.exited;
  const diedAt = sim.submits.length;
  await a.waitFor(/recovered the in-flight jobs of a dead peer/, 60_000);
  await until('daemon-a alone again after the death', () => times(a.output(), '"to":1,"msg":"live daemons changed') >= 2, 60_000);
  const recoveredAt = sim.submits.length;
  await until('daemon-a at its whole rate again', () => sim.submits.length >= recoveredAt + 200, 60_000);
  pumping = false;
  await pump;
  // Only cheap checks while submits arrive: this process stamps them, and parsing the whole events stream
  // every 100 ms here stalled its event loop long enough to stamp half a second of arrivals at once.
  await until('every job written', () => sim.submits.length >= pushed, 60_000);
  await waitForEvents(redis, (evs) => evs.filter((e) => FINAL.has(e.state)).length >= pushed, 60_000);
  t.match(a.output(), /"to":2,"msg":"live daemons changed/, 'daemon-a lowered its share when daemon-b joined');
  t.match(a.output(), /"to":1,"msg":"live daemons changed/, 'and took the whole rate back after it left');
  t.match(b.output(), /"metricsPort"/, 'daemon-b ran');
  t.ok(times(a.output(), '"to":2,"msg":"live daemons changed') >= 2, 'daemon-a lowered its share again when daemon-c joined');
  const at = sim.submits.filter((s) => s.carrier === 'cmcc').map((s) => s.at);
  // daemon-c was SIGKILLed: a job it had on the wire may go again (unknown, or resent): only those.
  t.equal(new Set(sim.submits.map((s) => s.text)).size, pushed, 'every job written');
  t.ok(at.length - pushed <= 50, `at most daemon-c's window written twice (${at.length - pushed})`);
  // Arrivals are stamped in this process, which shares two loaded cores with both daemons and feeds the
  // stream: its event loop stamps some arrivals late, squeezing them together (with both daemons at 50/s
  // each, a steady stream showed 101-112 in some 1000 ms windows, and one run beside other tests 138).
  // The bound leaves room for that stamping: without the join handshake the SMSC saw 191-202 in a second.
  const busiest = maxInWindow(at, 1000);
  const where = busiestStart(at, 1000);
  t.ok(busiest <= TPS * 1.5, `busiest 1000 ms window at the SMSC: ${busiest} submits (tps ${TPS}) from submit #${where} `
    + `(daemon-b joined near #${joinedAt}, left near #${leftAt}; daemon-c joined near #${cJoinedAt}, died near #${diedAt}); `
    + `800 ms: ${maxInWindow(at, 800)}`);
});
