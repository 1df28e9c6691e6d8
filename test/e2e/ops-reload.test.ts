import t from 'tap';
import { writeFileSync, readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { FINAL, waitForEvents } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';
import { jobFields } from '../../src/store/job-record.js';
import { Keys } from '../../src/store/keys.js';

const { sim, redis, config, daemon } = await startStack(t, {
  carriers: ['cmcc', 'cucc', 'ctcc'].map((name) => ({ name, behaviours: { slowMs: 20 } })),
  // The daemon starts with cmcc and cucc; ctcc is configured only by the reload.
  configured: ['cmcc', 'cucc'], carrier: { tps: 200 },
});

type Cfg = { carriers: { name: string; port: number; tps: number; prefixes: string[] }[] } & Record<string, unknown>;
const original = readFileSync(config, 'utf8');

/** Waits for the next log line about a reload after `from` bytes of output. */
async function nextReloadLine(from: number): Promise<Record<string, unknown>> {
  const until = Date.now() + 15_000;
  for (;;) {
    const line = daemon.output().slice(from).split('\n').find((l) => /configuration reloaded|reload refused|reload failed/.test(l));
    if (line) return JSON.parse(line) as Record<string, unknown>;
    if (Date.now() > until) throw new Error(`no reload line; output:\n${daemon.output().slice(from, from + 3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.test('a valid reload changes TPS, removes and adds carriers, and drops no message in flight', async (t) => {
  const ids = Array.from({ length: 200 }, (_, i) => `rl-${i}`);
  const p = redis.pipeline();
  // Even ids to cmcc (138…), odd to cucc (130…).
  ids.forEach((id, i) => { p.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id, to: `13${i % 2 ? '0' : '8'}0013${String(i).padStart(4, '0')}`, text: `reload run ${i}` })); });
  await p.exec();
  await waitForEvents(redis, (e) => e.filter((x) => x.id.startsWith('rl-') && x.state === 'submitted').length >= 20);

  const next = parse(original) as Cfg;
  next.carriers = [
    { ...next.carriers[0]!, tps: 20 },
    { ...next.carriers[1]!, name: 'ctcc', port: sim.ports.ctcc!, prefixes: ['86133', '86153', '86189'] },
  ];
  writeFileSync(config, stringify(next));
  const mark = daemon.output().length;
  daemon.kill('SIGHUP');
  const line = await nextReloadLine(mark);
  t.equal(line.msg, 'configuration reloaded');
  t.same(new Set(line.applied as string[]), new Set(['cmcc.tps', 'cucc removed', 'ctcc added']), 'the log says what changed');

  // Every cmcc job finishes; every cucc job is final, awaiting its receipt, or still queued in its lane:
  // none is left claimed, and the in-flight table holds nothing for a removed carrier.
  await waitForEvents(redis, (e) => e.filter((x) => x.id.startsWith('rl-') && x.carrier === 'cmcc' && x.state === 'delivered').length >= 100, 30_000);
  const st = (await jobFields(redis, new Keys('smppd:'), ids, ['st'])).map(([v]) => v as string);
  const odd = st.filter((_, i) => i % 2 === 1);
  t.same(odd.filter((s) => !['queued', 'submitted', ...FINAL].includes(s)), [], 'cucc jobs: none claimed or lost');
  t.ok(odd.filter((s) => s === 'queued').length === await redis.llen('smppd:{cucc}:lane:transactional'), 'queued cucc jobs wait in their lane');
  const inflight = await redis.hgetall('smppd:inflight:test-daemon');
  t.same(Object.keys(inflight).filter((id) => id.startsWith('rl-') && Number(id.slice(3)) % 2 === 1), [], 'no cucc job left in flight');
  const written = sim.submits.filter((s) => s.text.startsWith('reload run ')).map((s) => s.text);
  t.equal(new Set(written).size, written.length, 'nothing was written twice');
});

t.test('the added carrier sends, and the lowered TPS holds', async (t) => {
  await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: 'to-ctcc', to: '13312345678', text: 'via the new carrier' }));
  const ids = Array.from({ length: 60 }, (_, i) => `slow-${i}`);
  const p = redis.pipeline();
  ids.forEach((id, i) => { p.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id, to: `1390013${String(i).padStart(4, '0')}`, text: `paced ${i}` })); });
  await p.exec();
  const evs = await waitForEvents(redis, (e) => e.some((x) => x.id === 'to-ctcc' && x.state === 'delivered') && e.filter((x) => x.id.startsWith('slow-') && x.state === 'delivered').length >= 60, 30_000);
  t.equal(evs.find((e) => e.id === 'to-ctcc' && e.state === 'delivered')!.carrier, 'ctcc');
  const at = sim.submits.filter((s) => s.text.startsWith('paced ')).map((s) => s.at).sort((a, b) => a - b);
  t.equal(at.length, 60);
  // At the old 200/s the 60 would take 0.3 s; at 20/s at least 2 s.
  t.ok(at.at(-1)! - at[0]! >= 1900, `60 submits spread over ${at.at(-1)! - at[0]!} ms at tps 20`);
  // The limiter spends each second's budget as soon as it is back, so 60 jobs at tps 20 go out as three
  // bursts about a second apart: at most 20 per started second of the span. Arrival times are taken by the
  // simulator in this (loaded) test process; the exact per-window bound on the written side is asserted in
  // test/carrier/rate.test.ts.
  const spanMs = at.at(-1)! - at[0]!;
  t.ok(at.length <= 20 * (Math.floor(spanMs / 1000) + 1), `${at.length} submits in ${spanMs} ms at tps 20`);
});

t.test('an invalid file is refused with the reason logged, and the old config keeps working', async (t) => {
  const good = readFileSync(config, 'utf8');
  writeFileSync(config, good.replace(/tps: 20\b/, 'tps: fast'));
  const mark = daemon.output().length;
  daemon.kill('SIGHUP');
  const line = await nextReloadLine(mark);
  t.equal(line.msg, 'reload refused: the new configuration is invalid; keeping the old one');
  t.match(String(line.err), /carriers\[0\]\.tps: must be an integer, got "fast"/);
  t.equal(line.level, 50, 'logged as an error');
  await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: 'after-bad-reload', to: '13312345679', text: 'old config still in force' }));
  const evs = await waitForEvents(redis, (e) => e.some((x) => x.id === 'after-bad-reload' && x.state === 'delivered'));
  t.equal(evs.find((e) => e.id === 'after-bad-reload')!.carrier, 'ctcc', 'the carrier added by the last good reload still sends');
  t.equal(daemon.child.exitCode, null, 'the daemon is still running');
});

t.test('SIGTERM after reloads still exits 0', async (t) => {
  daemon.kill('SIGTERM');
  t.equal((await daemon.exited).code, 0);
});
