/**
 * Memory: (1) RSS of smppd with N jobs queued in Redis (the carrier's SMSC is down, so nothing leaves
 * the lanes); (2) Redis bytes per job awaiting its receipt: N jobs submitted to a sink that sends no
 * receipts, INFO used_memory after minus before, with and without the two streams (the app's jobs
 * stream, which XACK does not shrink, and the capped events stream).
 */
import { Redis } from 'ioredis';
import { freePort, removeRedisDir, startRedis } from '../test/helpers/redis-server.js';
import { teardown } from './lib/teardown.js';
import { jobPayloads, pushJobs, scanEvents } from './lib/jobs.js';
import { redisUsedMemory, rssBytes, sleep, until } from './lib/proc.js';
import { startSink } from './lib/sink.js';
import { startSmppd } from './lib/smppd.js';

async function streamDrained(redis: Redis): Promise<boolean> {
  const g = ((await redis.xinfo('GROUPS', 'smppd:jobs')) as unknown[][])[0] as unknown[];
  const f = (k: string): number => Number(g[g.indexOf(k) + 1]);
  return f('pending') === 0 && f('lag') === 0;
}

export async function runQueuedRss(o: { jobs: number }): Promise<{ jobs: number; rssBytes: number; peakRssBytes: number; idleRssBytes: number }> {
  const srv = await startRedis({ aof: true });
  const redis = new Redis(srv.url);
  let smppd: Awaited<ReturnType<typeof startSmppd>> | undefined;
  try {
    smppd = await startSmppd({ redisUrl: srv.url, sinkPort: await freePort(), waitReady: false });
    await sleep(1000);
    const idle = rssBytes(smppd.pid).now;
    await pushJobs(redis, 'smppd:jobs', jobPayloads(o.jobs, `mem${Date.now()}`), 5000);
    await until('every job read from the stream', () => streamDrained(redis), 60_000 + o.jobs, 100);
    await sleep(1000);
    const r = rssBytes(smppd.pid);
    return { jobs: o.jobs, rssBytes: r.now, peakRssBytes: r.peak, idleRssBytes: idle };
  } finally {
    await smppd?.stop();
    redis.disconnect();
    await srv.stop();
    removeRedisDir(srv);
  }
}

export interface AwaitingResult { jobs: number; bytesPerJob: number; bytesPerJobWithoutStreams: number; jobStateBytes: number }

export async function runAwaitingReceipt(o: { jobs: number }): Promise<AwaitingResult> {
  const srv = await startRedis({ aof: true });
  const redis = new Redis(srv.url);
  const sink = await startSink({ expect: o.jobs, receipts: false });
  let smppd: Awaited<ReturnType<typeof startSmppd>> | undefined;
  try {
    smppd = await startSmppd({ redisUrl: srv.url, sinkPort: sink.port });
    const tag = `await${Date.now()}`;
    const before = await redisUsedMemory(redis);
    await pushJobs(redis, 'smppd:jobs', jobPayloads(o.jobs, tag));
    let submitted = 0;
    let cursor = '0';
    await until('every job submitted', async () => {
      cursor = await scanEvents(redis, 'smppd:events', cursor, (json) => { if (json.includes('"state":"submitted"')) submitted++; });
      return submitted >= o.jobs;
    }, 60_000 + o.jobs * 2, 100);
    const after = await redisUsedMemory(redis);
    const streams = Number(await redis.memory('USAGE', 'smppd:jobs', 'SAMPLES', '0')) + Number(await redis.memory('USAGE', 'smppd:events', 'SAMPLES', '0'));
    // The job's state: its record (jr:), or its hash (job:) when it is not the common job.
    const jobStateBytes = Number(await redis.memory('USAGE', `smppd:jr:${tag}-1`) ?? await redis.memory('USAGE', `smppd:job:${tag}-1`));
    const delta = after - before;
    return { jobs: o.jobs, bytesPerJob: delta / o.jobs, bytesPerJobWithoutStreams: (delta - streams) / o.jobs, jobStateBytes };
  } finally {
    await teardown({ smppd, sink: sink, redis, srv });
  }
}
