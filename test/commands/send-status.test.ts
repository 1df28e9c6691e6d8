import t from 'tap';
import { Redis } from 'ioredis';
import { startSimulator } from '../../src/sim/index.js';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';
import { spawnSmppd, writeConfig } from '../helpers/daemon.js';
import { jobField } from '../helpers/job.js';

const srv = await startRedis();
const sim = await startSimulator({ carriers: [{ name: 'cmcc', port: 0 }, { name: 'cucc', port: 0 }] });
const redis = new Redis(srv.url);
const config = writeConfig({ redisUrl: srv.url, ports: sim.ports });
t.teardown(async () => {
  redis.disconnect();
  await sim.close();
  await srv.stop();
  removeRedisDir(srv);
});

async function smppd(args: string[]): Promise<{ code: number | null; out: string }> {
  const d = spawnSmppd(args);
  const { code } = await d.exited;
  return { code, out: d.output() };
}

const sendAt = new Date(Date.now() + 3_600_000).toISOString();
const expiresAt = new Date(Date.now() + 7_200_000).toISOString();

t.test('send writes every job field in the documented format', async (t) => {
  const r = await smppd(['send', '--redis', srv.url, '--to', '+8613800138000', '--text', '你好 world', '--from', '10690001',
    '--class', 'transactional', '--id', 'cli-all', '--send-at', sendAt, '--expires-at', expiresAt, '--dedup-key', 'k-1',
    '--tz', 'Asia/Shanghai', '--quiet-hours', 'ignore', '--resend', '--meta', '{"order":81}']);
  t.equal(r.code, 0, r.out);
  const printed = JSON.parse(r.out.trim().split('\n')[0]!) as { pushed: string; entry: string };
  t.equal(printed.pushed, 'cli-all');
  const [[entry, fields]] = await redis.xrange('smppd:jobs', printed.entry, printed.entry) as [string, string[]][];
  t.equal(entry, printed.entry);
  t.equal(fields[0], 'job');
  t.same(JSON.parse(fields[1]!), {
    id: 'cli-all', to: '+8613800138000', text: '你好 world', from: '10690001', class: 'transactional', sendAt, expiresAt,
    dedupKey: 'k-1', tz: 'Asia/Shanghai', quietHours: 'ignore', resend: true, meta: { order: 81 },
  });
});

t.test('send refuses --meta that is not JSON with exit 64 and pushes nothing', async (t) => {
  const before = await redis.xlen('smppd:jobs');
  const r = await smppd(['send', '--redis', srv.url, '--to', '13800138000', '--text', 'x', '--meta', '{nope']);
  t.equal(r.code, 64);
  t.match(r.out, /--meta must be JSON/);
  t.equal(await redis.xlen('smppd:jobs'), before);
});

t.test('against a running daemon: send --wait follows the job to delivered, status shows lanes, schedule, channels and the daemon', async (t) => {
  const daemon = spawnSmppd(['run', '--config', config]);
  t.teardown(async () => { daemon.kill('SIGKILL'); await daemon.exited; });
  await daemon.waitFor(/smppd running/);

  const sent = await smppd(['send', '--redis', srv.url, '--to', '13900139000', '--text', 'follow me', '--id', 'cli-wait', '--class', 'otp', '--wait', '15000']);
  t.equal(sent.code, 0, sent.out);
  const evs = sent.out.trim().split('\n').slice(1).map((l) => JSON.parse(l) as { id: string; state: string; carrier: string });
  t.same(evs.map((e) => e.state), ['submitted', 'delivered'], 'its events, printed as they happen');
  t.ok(evs.every((e) => e.id === 'cli-wait' && e.carrier === 'cmcc'));

  // The job pushed first (sendAt in an hour) now waits in cmcc's schedule.
  const until = Date.now() + 10_000;
  while ((await jobField(redis, 'smppd:job:cli-all', 'st')) !== 'scheduled' && Date.now() < until) await new Promise((r) => setTimeout(r, 100));

  const json = await smppd(['status', '--config', config, '--json']);
  t.equal(json.code, 0, json.out);
  const report = JSON.parse(json.out) as {
    lanes: { carrier: string; class: string; depth: number; oldestAgeMs: number }[];
    schedule: Record<string, number>; daemons: { id: string; leaseMs: number; inFlight: number }[]; deadLetters: number;
    channels: { carrier: string; channel: string; protocol: string; priority: number; weight: number; health: { daemon: string; status: string }[] }[];
  };
  t.match(report.channels, [
    { carrier: 'cmcc', channel: 'cmcc', protocol: 'smpp', priority: 1, weight: 1, health: [{ daemon: 'test-daemon', status: 'healthy' }] },
    { carrier: 'cucc', channel: 'cucc', health: [{ daemon: 'test-daemon', status: 'healthy' }] },
  ], 'each channel with the health the daemon published');
  t.equal(report.lanes.length, 6, 'one row per carrier and class');
  t.same(report.schedule, { cmcc: 1, cucc: 0 });
  const me = report.daemons.find((d) => d.id === 'test-daemon');
  t.ok(me && me.leaseMs > 0, 'the daemon holds its lease');
  t.equal(report.deadLetters, 0);

  const table = await smppd(['status', '--config', config]);
  t.equal(table.code, 0);
  t.match(table.out, /^CARRIER\s+CLASS\s+DEPTH\s+OLDEST\(s\)\s+SCHEDULED$/m);
  t.match(table.out, /^cmcc\s+otp\s+0\s+0\.0\s+1$/m, 'cmcc otp row with the schedule count');
  t.match(table.out, /^test-daemon\s+\d+\s+0$/m, 'the daemon row: lease left, nothing in flight');
  t.match(table.out, /^cmcc\s+cmcc\s+smpp\s+1\s+1\s+test-daemon: healthy$/m, 'the channel row with its health');
  t.match(table.out, /dead letters: 0/);

  // A config that names only cmcc still shows the channel the running daemon reports beside it.
  const narrow = writeConfig({ redisUrl: srv.url, ports: { cmcc: sim.ports.cmcc! } });
  const other = await smppd(['status', '--config', narrow]);
  t.match(other.out, /^cucc\s+\?\s+\?\s+0\s+0\s+test-daemon: healthy$/m, 'a channel only the daemon knows is listed with its health');

  daemon.kill('SIGTERM');
  t.equal((await daemon.exited).code, 0);
  t.equal(await redis.exists('smppd:health:test-daemon'), 0, 'a stopped daemon takes its view of the channels with it');
});

t.test('status with a Redis that does not answer exits 69', async (t) => {
  const bad = writeConfig({ redisUrl: 'redis://127.0.0.1:1', ports: sim.ports });
  const r = await smppd(['status', '--config', bad]);
  t.equal(r.code, 69);
  t.match(r.out, /REDIS_UNAVAILABLE/);
});
