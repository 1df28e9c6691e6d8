/**
 * Prepared jobs per second: prepareJob in a loop on one thread, and through the pool (2 threads,
 * batches of 100), for a 20-character GSM text and a 70-character Chinese text. Median of 5 runs.
 * Run: node --import tsx bench/prepare.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { buildPrepareContext, prepareJob } from '../src/prepare/prepare.js';
import { PreparePool } from '../src/prepare/pool.js';
import type { RawJob } from '../src/types.js';
import { testConfig } from '../test/helpers/test-config.js';

const RUNS = 5;
const LOOP_JOBS = 20_000;
const POOL_JOBS = 20_000;
const BATCH = 100;

const TEXTS = {
  'gsm-20': 'Your code is 123456',
  'zh-70': '【示例】您的验证码是123456，五分钟内有效。请勿向任何人泄露验证码，如非本人操作请忽略本短信，谢谢您的支持与配合！',
};

function raws(n: number, text: string): RawJob[] {
  return Array.from({ length: n }, (_, i) => ({
    entryId: `1700000000000-${i}`,
    payload: JSON.stringify({ to: `+86138${String(i).padStart(8, '0')}`, text, class: 'otp' }),
  }));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const cfg = testConfig({ pool: { threads: 2, batchSize: BATCH } });
  const ctx = buildPrepareContext(cfg);
  const pool = new PreparePool(cfg, { threads: 2 });
  await pool.prepare(raws(BATCH * 4, 'warm up')); // start both threads before timing
  for (const [name, text] of Object.entries(TEXTS)) {
    const jobs = raws(LOOP_JOBS, text);
    const loop: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const t0 = process.hrtime.bigint();
      const now = Date.now();
      for (const j of jobs) prepareJob(j, ctx, now);
      loop.push(LOOP_JOBS / (Number(process.hrtime.bigint() - t0) / 1e9));
    }
    const batches: RawJob[][] = [];
    const pjobs = raws(POOL_JOBS, text);
    for (let i = 0; i < POOL_JOBS; i += BATCH) batches.push(pjobs.slice(i, i + BATCH));
    const viaPool: number[] = [];
    const mainUs: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const t0 = process.hrtime.bigint();
      const elu0 = performance.eventLoopUtilization();
      await Promise.all(batches.map((b) => pool.prepare(b)));
      const elapsedS = Number(process.hrtime.bigint() - t0) / 1e9;
      viaPool.push(POOL_JOBS / elapsedS);
      // Main-thread busy time per job: what the I/O thread still pays when the pool does the work.
      mainUs.push((performance.eventLoopUtilization(elu0).active * 1000) / POOL_JOBS);
    }
    const m = median(loop);
    console.log(
      `${name.padEnd(7)} one thread: ${Math.round(m)} jobs/s (${(1e6 / m).toFixed(1)} µs/job)` +
        `   pool 2 threads x batch ${BATCH}: ${Math.round(median(viaPool))} jobs/s` +
        ` (main thread busy ${median(mainUs).toFixed(2)} µs/job)`,
    );
  }
  await pool.close();
}

await main();
