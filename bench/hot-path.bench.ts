/**
 * The hot path per job, each step alone: prepare (inline, one thread), encode a submit_sm body (ours
 * vs the `smpp` package from a pre-encoded Buffer), and the Redis scripts ingest, claim, settle and receipt on
 * a private redis-server (batches of 100; wall µs per job and Redis CPU µs per job), each beside the
 * plain commands that write the same states (lib/redis-floor.ts: the floor under the scripts). Median of 5 runs.
 * Run: node --import tsx bench/hot-path.bench.ts
 */
import smpp from 'smpp';
import { buildConfig } from '../src/config/schema.js';
import { encodeSubmitSmBody, type SubmitSmFields } from '../src/smpp/submit-encoder.js';
import { createRedis } from '../src/store/redis.js';
import { QueueStore, type Claimed } from '../src/store/queue-store.js';
import type { Prepared, RawJob } from '../src/types.js';
import { buildPrepareContext, prepareJob } from '../src/prepare/prepare.js';
import { removeRedisDir, startRedis } from '../test/helpers/redis-server.js';
import { testConfig } from '../test/helpers/test-config.js';
import { jobPayloads } from './lib/jobs.js';
import { fmt, median, redisCpuUs } from './lib/proc.js';
import { runFloor, type FloorStep } from './lib/redis-floor.js';
import { ioredisVersion, measureReplyDecode } from './lib/reply-decode.js';

const RUNS = 5;
const PDU = (smpp as unknown as { PDU: new (cmd: string, o: Record<string, unknown>) => { toBuffer(): Buffer } }).PDU;

function timeUs(n: number, fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1000 / n;
}

export async function runHotPath(log: (s: string) => void = console.log): Promise<void> {
  const N = 10_000;
  const cfg = testConfig({ pool: { threads: 0, batchSize: 100 } });
  const ctx = buildPrepareContext(cfg);
  const raws: RawJob[] = jobPayloads(N, 'hp').map((payload, i) => ({ entryId: `1700000000000-${i}`, payload }));
  const prep = median(Array.from({ length: RUNS }, () => timeUs(N, () => { const now = Date.now(); for (const r of raws) prepareJob(r, ctx, now); })));
  log(`prepare (inline, GSM-20 and ZH-70 alternating): ${fmt(prep, 2)} µs/job`);

  const f: SubmitSmFields = { sourceTon: 5, sourceNpi: 0, source: '10690000', destTon: 1, destNpi: 1, dest: '8613800138000',
    esmClass: 0, registeredDelivery: 1, dataCoding: 8, shortMessage: Buffer.alloc(140, 0x4e) };
  const ours = median(Array.from({ length: RUNS }, () => timeUs(N, () => { for (let i = 0; i < N; i++) encodeSubmitSmBody(f); })));
  const lib = median(Array.from({ length: RUNS }, () => timeUs(N, () => {
    for (let i = 0; i < N; i++) new PDU('submit_sm', { source_addr_ton: 5, source_addr: '10690000', dest_addr_ton: 1, dest_addr_npi: 1,
      destination_addr: '8613800138000', registered_delivery: 1, data_coding: 8, short_message: f.shortMessage }).toBuffer();
  })));
  log(`encode submit_sm (140-octet UCS2): ours ${fmt(ours, 2)} µs, smpp package from a Buffer ${fmt(lib, 2)} µs`);

  const srv = await startRedis({ aof: true });
  const scfg = buildConfig({ redis: { url: srv.url, prefix: 'hp:' }, carriers: [{ name: 'cmcc', host: '127.0.0.1', systemId: 'x' }] });
  const redis = createRedis(scfg.redis, 'bench');
  await redis.connect();
  const store = new QueueStore(redis, scfg);
  await store.ensureGroup();
  await store.recover('d1', 'tok', 'start');
  try {
    const steps: FloorStep[] = ['ingest', 'claim', 'settle', 'receipts'];
    const table = (): Record<string, { wall: number[]; cpu: number[] }> => Object.fromEntries(steps.map((s) => [s, { wall: [], cpu: [] }]));
    const rows = table();
    const floor = table();
    const fieldFloor = table();
    const timed = (into: Record<string, { wall: number[]; cpu: number[] }>) => async (name: string, n: number, fn: () => Promise<unknown>): Promise<void> => {
      const c0 = await redisCpuUs(redis);
      const t0 = process.hrtime.bigint();
      await fn();
      into[name]!.wall.push(Number(process.hrtime.bigint() - t0) / 1000 / n);
      into[name]!.cpu.push(((await redisCpuUs(redis)) - c0) / n);
    };
    const step = timed(rows);
    for (let r = 0; r < RUNS; r++) {
      const now = Date.now();
      const prepared = raws.slice(0, 5000).map((raw, i) => ({ ...(prepareJob({ ...raw, payload: raw.payload.replace('"hp-', `"hp${r}-`) }, ctx, now) as Prepared), entryId: `${r + 1}-${i}` }));
      await step('ingest', prepared.length, async () => { for (let i = 0; i < prepared.length; i += 100) await store.ingest(prepared.slice(i, i + 100)); });
      const claimed: Claimed[][] = [];
      await step('claim', prepared.length, async () => {
        for (;;) { const c = await store.claim('d1', 'tok', 'cmcc', 100); if (c === 'lease-lost' || c.length === 0) break; claimed.push(c); }
      });
      let m = 0;
      await step('settle', prepared.length, async () => {
        // With what the claim said, as the dispatcher settles (settle-event.ts).
        for (const c of claimed) await store.settle('d1', c.map((x) => ({ act: 'ok' as const, id: x.id, msgIds: [`m${r}-${m++}`], job: x.job })));
      });
      await step('receipts', m, async () => {
        for (let i = 0; i < m; i += 100) {
          const batch = Array.from({ length: Math.min(100, m - i) }, (_, k) => ({ carrier: 'cmcc', messageId: `m${r}-${i + k}`, stat: 'DELIVRD', err: '000' }));
          await store.receipts(batch);
        }
      });
    }
    for (let r = 0; r < RUNS; r++) {
      await runFloor(redis, 'hpf:', 5000, `f${r}`, timed(floor));
      await runFloor(redis, 'hpg:', 5000, `g${r}`, timed(fieldFloor), 'field');
    }
    const cpu = (t: Record<string, { cpu: number[] }>, s: string): number => median(t[s]!.cpu);
    for (const s of steps) {
      log(`redis ${s.padEnd(16)} batches of 100: ${fmt(median(rows[s]!.wall), 1).padStart(5)} µs/job wall, ${fmt(cpu(rows, s), 1).padStart(5)} µs/job Redis CPU` +
        ` (plain commands for the same states: ${fmt(cpu(floor, s), 1)}; with one state field per job: ${fmt(cpu(fieldFloor, s), 1)})`);
    }
    const decode: number[] = [];
    for (let r = 0; r < RUNS; r++) decode.push((await measureReplyDecode(redis, 'hp:decode', jobPayloads(100, 'dec'), 2000)).cpuUsPerEntry);
    log(`ioredis ${ioredisVersion()} reading 100-entry XRANGE replies of jobs: ${fmt(median(decode), 2)} µs of the client's CPU per entry`);
    const sum = (t: Record<string, { cpu: number[] }>, ss: string[]): number => ss.reduce((a, s) => a + cpu(t, s), 0);
    const sent = ['ingest', 'claim', 'settle'];
    log(`redis per job, scripts / plain commands: ${fmt(sum(rows, sent), 1)} / ${fmt(sum(floor, sent), 1)} µs without its receipt, ` +
      `${fmt(sum(rows, steps), 1)} / ${fmt(sum(floor, steps), 1)} µs with it; one state field per job, plain commands: ` +
      `${fmt(sum(fieldFloor, sent), 1)} and ${fmt(sum(fieldFloor, steps), 1)} µs`);
  } finally {
    redis.disconnect();
    await srv.stop();
    removeRedisDir(srv);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runHotPath();
