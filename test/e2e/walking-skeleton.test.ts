import t from 'tap';
import { FINAL, waitForEvents } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

const { sim, redis, daemon } = await startStack(t, { aof: true });

t.test('jobs pushed with XADD come back as submitted and delivered events carrying the SMSC ids', async (t) => {
  const jobs = [
    { id: 'job-cmcc', to: '13800138000', text: 'code 1234', class: 'otp', meta: { n: 1 } },
    { id: 'job-cucc', to: '+8613012345678', text: 'parcel on its way', class: 'transactional' },
    { id: 'job-ctcc', to: '0086 133 1234 5678', text: '生日快乐，送您优惠券', class: 'transactional' },
  ];
  for (const j of jobs) await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify(j));
  const evs = await waitForEvents(redis, (e) => jobs.every((j) => e.some((x) => x.id === j.id && x.state === 'delivered')));
  for (const j of jobs) {
    const mine = evs.filter((e) => e.id === j.id);
    t.same(mine.map((e) => e.state), ['submitted', 'delivered'], `${j.id}: one event per state`);
    const sub = sim.submits.find((s) => s.text === j.text)!;
    t.ok(sub, `${j.id} reached the simulator`);
    t.same(mine[0]!.msgIds, [sub.msgId], `${j.id}: submitted carries the SMSC message id`);
    t.same(mine[1]!.msgIds, [sub.msgId], `${j.id}: delivered carries the same id`);
    t.equal(mine[0]!.carrier, sub.carrier, `${j.id} routed to ${sub.carrier}`);
  }
  t.same(evs.find((e) => e.id === 'job-cmcc')!.meta, { n: 1 }, 'meta is echoed');
  t.equal(sim.submits.find((s) => s.text === 'code 1234')!.carrier, 'cmcc');
  t.equal(sim.submits.find((s) => s.text === 'parcel on its way')!.carrier, 'cucc');
  t.equal(sim.submits.find((s) => s.text === '生日快乐，送您优惠券')!.carrier, 'ctcc');
});

t.test('a bad job becomes a rejected event with a stable code and the next good job still goes through', async (t) => {
  await redis.xadd('smppd:jobs', '*', 'job', '{not json');
  await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: 'bad-number', to: '12', text: 'x' }));
  await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: 'after-bad', to: '13900139000', text: 'still fine' }));
  const evs = await waitForEvents(redis, (e) => e.some((x) => x.id === 'after-bad' && x.state === 'delivered'));
  t.equal(evs.find((e) => e.id === 'bad-number')!.code, 'BAD_NUMBER');
  t.ok(evs.some((e) => e.state === 'rejected' && e.code === 'BAD_JSON'), 'non-JSON is rejected as BAD_JSON');
});

t.test('every job ends in exactly one final state and the simulator saw each text once', async (t) => {
  const n = 200;
  const p = redis.pipeline();
  for (let i = 0; i < n; i++) p.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: `bulk-${i}`, to: `1380013${String(i).padStart(4, '0')}`, text: `bulk message ${i}` }));
  await p.exec();
  const evs = await waitForEvents(redis, (e) => e.filter((x) => x.id.startsWith('bulk-') && FINAL.has(x.state)).length >= n, 30_000);
  const finals = evs.filter((e) => e.id.startsWith('bulk-') && FINAL.has(e.state));
  t.equal(finals.length, n, 'one final event per job');
  t.equal(new Set(finals.map((e) => e.id)).size, n);
  t.ok(finals.every((e) => e.state === 'delivered'));
  const texts = sim.submits.filter((s) => s.text.startsWith('bulk message ')).map((s) => s.text);
  t.equal(texts.length, n, 'no duplicates on the wire');
});

t.test('an OTP pushed to the priority stream does not wait behind a backlog in the main stream', async (t) => {
  const n = 2000;
  const p = redis.pipeline();
  for (let i = 0; i < n; i++) p.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: `backlog-${i}`, to: '13800138000', text: `backlog ${i}`, class: 'transactional' }));
  await p.exec();
  await redis.xadd('smppd:jobs:priority', '*', 'job', JSON.stringify({ id: 'otp-first', to: '13800138000', text: 'code 9876', class: 'otp' }));
  const evs = await waitForEvents(redis, (e) => e.some((x) => x.id === 'otp-first' && x.state === 'delivered'), 30_000);
  const submitted = evs.filter((e) => e.state === 'submitted' && (e.id === 'otp-first' || e.id.startsWith('backlog-')));
  const pos = submitted.findIndex((e) => e.id === 'otp-first');
  t.ok(pos >= 0 && pos < n / 2, `the OTP was submitted at position ${pos + 1} of ${submitted.length}, not after the ${n} jobs ahead of it`);
});

t.test('jobs without an id in the two streams never collide, even with the same entry id', async (t) => {
  const entry = `${Date.now() + 86_400_000}-0`; // ahead of both streams' last ids
  await redis.xadd('smppd:jobs', entry, 'job', JSON.stringify({ to: '13800138001', text: 'main stream, no id' }));
  await redis.xadd('smppd:jobs:priority', entry, 'job', JSON.stringify({ to: '13800138002', text: 'priority stream, no id', class: 'otp' }));
  const evs = await waitForEvents(redis, (e) => [entry, `p:${entry}`].every((id) => e.some((x) => x.id === id && x.state === 'delivered')));
  t.notOk(evs.some((e) => (e.id === entry || e.id === `p:${entry}`) && e.state === 'rejected'), 'neither is rejected DUPLICATE_ID');
});

t.test('metrics count submits by carrier and result', async (t) => {
  const port = Number(/"metricsPort":(\d+)/.exec(daemon.output())?.[1]);
  t.ok(port > 0, 'the daemon logs its metrics port');
  const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const ok = /smppd_submits_total\{carrier="cmcc",channel="cmcc",result="ok"\} (\d+)/.exec(body);
  t.ok(ok && Number(ok[1]) >= 200, 'cmcc ok submits counted');
  t.match(body, /smppd_submits_total\{carrier="cucc",channel="cucc",result="throttled"\} 0/, 'known label sets start at 0');
  // Readiness is a condition, not an instant: on a loaded machine a Redis probe may be waiting for its
  // answer at any one moment (`redis:silent`), so wait for it to hold, and say what it lacked if it never does.
  let last = '';
  await until('/readyz to answer 200', async () => {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    last = `${ready.status} ${await ready.text()}`;
    return ready.status === 200;
  }, 60_000).catch(() => undefined);
  t.match(last, /^200 /, 'ready when Redis answers and every carrier is bound');
});

t.test('SIGTERM drains and exits 0', async (t) => {
  daemon.kill('SIGTERM');
  const { code } = await daemon.exited;
  t.equal(code, 0);
  t.match(daemon.output(), /stopped/);
});
