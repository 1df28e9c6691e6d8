/**
 * The cost in Node of one ingest call (200 jobs × 18 arguments, one Buffer of bodies each): ioredis's own
 * script path (defineCommand: EVALSHA built by ioredis) vs runScript (request encoded by resp.ts).
 *   send:   100 batches against a private redis-server, awaited one by one; Node CPU (process.cpuUsage:
 *           encoding, socket write, reply parsing) per job. Redis is emptied between runs, untimed, so
 *           every run does the same work there.
 *   encode: building the request alone, no socket: ioredis Command + toWritable vs encodeCommand.
 * Runs interleave old and new; medians of 5 after one warm-up each, ratio old/new.
 * Run: node --import tsx bench/script-call.bench.ts [batches] [jobsPerBatch]
 */
import { createHash } from 'node:crypto';
import { Command } from 'ioredis';
import { buildConfig } from '../src/config/schema.js';
import { GROUP, Keys } from '../src/store/keys.js';
import { createRedis } from '../src/store/redis.js';
import { packBodies } from '../src/store/bodies.js';
import { QueueStore } from '../src/store/queue-store.js';
import { ingestKeys } from '../src/store/script-calls/ingest.js';
import { encodeCommand, respHead } from '../src/store/resp.js';
import { defineScripts, runScript, scriptSource } from '../src/store/scripts.js';
import type { PreparedOk, RawJob } from '../src/types.js';
import { buildPrepareContext, prepareJob } from '../src/prepare/prepare.js';
import { removeRedisDir, startRedis } from '../test/helpers/redis-server.js';
import { testConfig } from '../test/helpers/test-config.js';
import { jobPayloads } from './lib/jobs.js';
import { fmt, median } from './lib/proc.js';

type Arg = string | number | Buffer;
const RUNS = 5;
const BATCHES = Number(process.argv[2] ?? 100);
const PER = Number(process.argv[3] ?? 200);
const JOBS = BATCHES * PER;

/** ingest.lua's KEYS, then its ARGV, as QueueStore.ingest sends them for one batch (18 per job). */
const KEYS = Object.values(ingestKeys(new Keys('sc:'), { stream: 'sc:jobs' }));
function ingestArgs(jobs: PreparedOk[], batch: number): Arg[] {
  const q = cfg.queue;
  const args: Arg[] = [...KEYS, 'sc:', GROUP, Date.now(), q.eventsMaxLen, q.retentionMs, cfg.care.dedupWindowMs, jobs.length];
  for (const [i, j] of jobs.entries()) {
    args.push('A', `${batch + 1}-${i}`, j.id, j.to, j.carrier, j.class, j.fingerprint, j.sendAt, j.expiresAt, '0',
      '', j.utcOffsetMin ?? '', j.deferred ?? '', '', 0, 0, j.parts.length, packBodies(j.parts));
  }
  return args;
}

const cpuUs = (): number => { const c = process.cpuUsage(); return c.user + c.system; };

const cfg = testConfig({ pool: { threads: 0, batchSize: PER } });
const ctx = buildPrepareContext(cfg);
const now = Date.now();
const batches: Arg[][] = [];
for (let b = 0; b < BATCHES; b++) {
  const raws: RawJob[] = jobPayloads(PER, `sc${b}`, 'transactional', b * PER).map((payload, i) => ({ entryId: `${b}-${i}`, payload }));
  batches.push(ingestArgs(raws.map((r) => prepareJob(r, ctx, now) as PreparedOk), b));
}
console.log(`ingest call: ${BATCHES} batches × ${PER} jobs × ${(batches[0]!.length - KEYS.length - 7) / PER} args, ` +
  `${fmt(batches[0]!.filter(Buffer.isBuffer).length)} Buffers per call`);

const srv = await startRedis();
const scfg = buildConfig({ redis: { url: srv.url, prefix: 'sc:' }, carriers: [{ name: 'cmcc', host: '127.0.0.1', systemId: 'x' }] });
const redis = createRedis(scfg.redis, 'bench');
await redis.connect();
const store = new QueueStore(redis, scfg);
defineScripts(redis); // ioredis's own script path (smppd_ingest, the KEYS count first), the "old" side
const ioredisIngest = (redis as unknown as Record<string, (...a: Arg[]) => Promise<unknown>>).smppd_ingest!.bind(redis);

const paths: Record<'old' | 'new', (args: Arg[]) => Promise<unknown>> = {
  old: (args) => ioredisIngest(KEYS.length, ...args),
  new: (args) => runScript(redis, 'ingest', KEYS.length, args),
};

async function sendRun(path: 'old' | 'new'): Promise<{ cpu: number; wall: number }> {
  await redis.flushall();
  await store.ensureGroup();
  const c0 = cpuUs();
  const t0 = process.hrtime.bigint();
  for (const args of batches) {
    const res = (await paths[path](args)) as string[];
    if (res.length !== PER || res[0] !== 'queued') throw new Error(`${path}: unexpected reply ${String(res[0])}`);
  }
  return { cpu: (cpuUs() - c0) / JOBS, wall: Number(process.hrtime.bigint() - t0) / 1000 / JOBS };
}

const sha = createHash('sha1').update(scriptSource('ingest')).digest('hex');
const head = respHead(['evalsha', sha, KEYS.length]);
// biome-ignore lint/correctness/noUnusedVariables: summed so the encoders' work cannot be optimised away
let sink = 0;
const encoders: Record<'old' | 'new', (args: Arg[]) => number> = {
  old: (args) => new Command('evalsha', [sha, KEYS.length, ...args]).toWritable({}).length,
  new: (args) => encodeCommand(head, args).length,
};
if (!Buffer.from(new Command('evalsha', [sha, KEYS.length, ...batches[0]!]).toWritable({})).equals(encodeCommand(head, batches[0]!))) {
  throw new Error('the two encodings differ');
}
function encodeRun(path: 'old' | 'new'): number {
  const c0 = cpuUs();
  for (const args of batches) sink += encoders[path](args);
  return (cpuUs() - c0) / JOBS;
}

try {
  const send = { old: [] as { cpu: number; wall: number }[], new: [] as { cpu: number; wall: number }[] };
  const enc = { old: [] as number[], new: [] as number[] };
  await sendRun('old'); await sendRun('new'); encodeRun('old'); encodeRun('new'); // warm-up
  for (let r = 0; r < RUNS; r++) {
    for (const p of (r % 2 === 0 ? ['old', 'new'] : ['new', 'old']) as ('old' | 'new')[]) {
      send[p].push(await sendRun(p));
      enc[p].push(encodeRun(p));
    }
  }
  const m = (xs: number[]): number => median(xs);
  const line = (what: string, o: number[], n: number[]): void => console.log(
    `${what.padEnd(30)} ioredis ${fmt(m(o), 2).padStart(6)}  runScript ${fmt(m(n), 2).padStart(6)} µs/job  ` +
    `(${fmt(m(o) / m(n), 1)}×; runs old ${o.map((x) => fmt(x, 2)).join(' ')} | new ${n.map((x) => fmt(x, 2)).join(' ')})`);
  line('send, Node CPU', send.old.map((x) => x.cpu), send.new.map((x) => x.cpu));
  line('send, wall', send.old.map((x) => x.wall), send.new.map((x) => x.wall));
  line('encode only, CPU', enc.old, enc.new);
} finally {
  redis.disconnect();
  await srv.stop();
  removeRedisDir(srv);
}
