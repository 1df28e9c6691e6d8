import t, { type Test } from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { waitForEvents } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

// One carrier, prepared inline, the default 15 s lease: each test changes one setting in the file and reloads.
const { redis, config, daemon } = await startStack(t, {
  carriers: ['cmcc'], extra: { pool: { threads: 0, batchSize: 100 }, queue: { leaseMs: 15_000 } },
});
const metricsPort = Number(/"metricsPort":(\d+)/.exec(daemon.output())?.[1]);

type Line = Record<string, unknown>;
const lines = (from: number): Line[] => daemon.output().slice(from).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);

/** Rewrites the config file with `change` applied, sends SIGHUP; returns the lines logged up to "configuration reloaded". */
async function reload(change: (cfg: Record<string, any>) => void): Promise<Line[]> {
  const cfg = parse(readFileSync(config, 'utf8')) as Record<string, any>;
  change(cfg);
  writeFileSync(config, stringify(cfg));
  const mark = daemon.output().length;
  daemon.kill('SIGHUP');
  await until('the reload to finish', () => lines(mark).some((l) => /configuration reloaded|reload refused|reload failed/.test(String(l.msg))), 60_000);
  const got = lines(mark);
  return got.slice(0, got.findIndex((l) => /configuration reloaded|reload refused|reload failed/.test(String(l.msg))) + 1);
}

let sent = 0;
async function sendsOne(t: Test, what: string): Promise<void> {
  const id = `rs-${sent++}`;
  await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id, to: '13800138000', text: what }));
  await waitForEvents(redis, (e) => e.some((x) => x.id === id && x.state === 'delivered'), 60_000);
  t.pass(`${what}: delivered`);
}

t.test('log.level applies at once: debug lines appear after a reload to debug and stop after one back to info', async (t) => {
  const toDebug = await reload((c) => { c.log.level = 'debug'; });
  const debug = toDebug.find((l) => l.msg === 'reload: fields changed in the file');
  t.ok(debug, 'the reload logs its changed fields at debug level');
  t.equal(debug?.level, 20);
  t.same(debug?.fields, ['log.level']);
  t.same(toDebug.at(-1)?.applied, ['log.level'], 'and says it applied log.level');
  const toInfo = await reload((c) => { c.log.level = 'info'; });
  t.same(toInfo.filter((l) => (l.level as number) < 30), [], 'no debug line once back at info');
  t.same(toInfo.at(-1)?.applied, ['log.level']);
});

t.test('queue.leaseMs applies to the lease and to its renewal period: lowered from 15 s to 3 s, it never lapses', async (t) => {
  const key = 'smppd:lease:test-daemon';
  t.ok(await redis.pttl(key) > 3000, 'the 15 s lease before');
  const got = await reload((c) => { c.queue.leaseMs = 3000; });
  t.same(got.at(-1)?.applied, ['queue.leaseMs']);
  t.ok(got.some((l) => l.msg === 'lease time changed' && l.to === 3000), 'the keeper logs the new lease time');
  await until('a renewal with the new lease time', async () => { const ms = await redis.pttl(key); return ms > 0 && ms <= 3000; }, 30_000);
  // Renewals come every third of the lease, at most a second apart: watch four of them (the PTTL jumps
  // back up) and that the shorter lifetime never lapses between two. (At these lengths the one-second cap
  // sets the period both before and after; the period's own change is seen with leases under 3 s.)
  let renewals = 0;
  let last = await redis.pttl(key);
  const lapses: number[] = [];
  await until('four renewals', async () => {
    const ms = await redis.pttl(key);
    if (ms <= 0) lapses.push(ms);
    if (ms > last + 200) renewals++;
    last = ms;
    return renewals >= 4;
  }, 60_000);
  t.same(lapses, [], 'the lease key never lapsed');
  t.notMatch(daemon.output(), /lease lost/, 'the daemon never lost its lease');
  t.ok(await redis.pttl(key) <= 3000, 'its lifetime is the new one');
  await sendsOne(t, 'after the lease change');
});

t.test('queue.claimBatch and pool.threads apply; a reload that changes nothing rebuilds nothing', async (t) => {
  const toPool = await reload((c) => { c.queue.claimBatch = 1; c.pool.threads = 1; });
  t.same(new Set(toPool.at(-1)?.applied as string[]), new Set(['queue.claimBatch', 'pool.threads']));
  t.ok(toPool.some((l) => l.msg === 'prepare inline -> pool'), 'jobs are prepared by a pool thread from now on');
  await sendsOne(t, 'prepared by the pool');
  const same = await reload(() => undefined);
  t.same(same.at(-1)?.applied, [], 'nothing changed, nothing applied');
  t.same(same.filter((l) => /prepare/.test(String(l.msg))), [], 'and no "prepare pool reconfigured" line');
  const toInline = await reload((c) => { c.pool.threads = 0; });
  t.ok(toInline.some((l) => l.msg === 'prepare pool -> inline'));
  await sendsOne(t, 'prepared inline again');
});

t.test('metrics.port and redis settings are named in one warning as needing a restart, and kept', async (t) => {
  const got = await reload((c) => { c.metrics.port = metricsPort + 1; c.redis.password = 'pw-Zq81x'; c.instanceId = 'other'; });
  const warn = got.find((l) => l.msg === 'reload: these settings need a restart');
  t.ok(warn, 'one warning');
  t.equal(warn?.level, 40);
  t.same(new Set(warn?.fields as string[]), new Set(['metrics.port', 'redis.password', 'instanceId']));
  t.notMatch(daemon.output(), /pw-Zq81x/, 'the new password is not logged');
  t.same(got.at(-1)?.applied, [], 'nothing of it is said to be applied');
  const res = await fetch(`http://127.0.0.1:${metricsPort}/healthz`);
  t.equal(res.status, 200, '/healthz still answers on the port the daemon started with');
  await sendsOne(t, 'after the restart-only changes');
});

t.test('queue.streamRetentionMs applies to how often the streams are trimmed: lowered to 2 s, a stored entry goes within seconds', async (t) => {
  // The default (1 h) trims once a minute; 2 s trims every second.
  const got = await reload((c) => { c.queue.streamRetentionMs = 2000; });
  t.same(got.at(-1)?.applied, ['queue.streamRetentionMs']);
  await sendsOne(t, 'to be trimmed');
  await until('the job stream emptied by the trim', async () => (await redis.xlen('smppd:jobs')) === 0, 30_000);
  t.pass('the stream was trimmed on the new beat');
});

t.test('SIGTERM after these reloads still exits 0', async (t) => {
  daemon.kill('SIGTERM');
  t.equal((await daemon.exited).code, 0);
});
