import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createRedis, connectRedis } from '../../src/store/redis.js';
import { freePort, removeRedisDir, startRedis } from '../helpers/redis-server.js';
import { until } from '../helpers/until.js';

// A real master, its replica and one sentinel (quorum 1), all redis-server processes on free ports.
const master = await startRedis();
const replica = await startRedis({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
const sentinelDir = mkdtempSync(join(tmpdir(), 'smppd-sentinel-'));
const sentinelPort = await freePort();
writeFileSync(join(sentinelDir, 'sentinel.conf'), [
  `port ${sentinelPort}`, 'bind 127.0.0.1', `dir ${sentinelDir}`,
  `sentinel monitor mymaster 127.0.0.1 ${master.port} 1`,
  'sentinel down-after-milliseconds mymaster 2000', 'sentinel failover-timeout mymaster 10000', '',
].join('\n'));
const sentinel = spawn('redis-server', [join(sentinelDir, 'sentinel.conf'), '--sentinel'], { stdio: 'ignore' });
// Retries every 50 ms until the sentinel listens; commands wait in the offline queue meanwhile.
const admin = new Redis(sentinelPort, '127.0.0.1', { retryStrategy: () => 50, maxRetriesPerRequest: null });
admin.on('error', () => {});
t.teardown(async () => {
  admin.disconnect();
  if (sentinel.exitCode === null) await new Promise<void>((res) => { sentinel.once('exit', () => res()); sentinel.kill('SIGTERM'); });
  rmSync(sentinelDir, { recursive: true, force: true });
  for (const r of [replica, master]) { await r.stop(); removeRedisDir(r); }
});
await admin.ping();

const cfg = { url: 'redis://127.0.0.1', prefix: 'sn:', sentinels: [{ host: '127.0.0.1', port: sentinelPort }], sentinelName: 'mymaster' };

t.test('through Sentinel the store finds the master and moves to the promoted replica as soon as a failover is announced', async (t) => {
  const r = createRedis(cfg, 'sentinel-test');
  t.teardown(() => r.disconnect());
  await connectRedis(r, 5000);
  await r.set('sn:before', '1');
  const direct = new Redis(master.port, '127.0.0.1');
  t.teardown(() => direct.disconnect());
  t.equal(await direct.get('sn:before'), '1', 'the write landed on the master the sentinel names');

  // The sentinel must know the replica as one in sync (from the master's INFO, then the replica's own)
  // before it promotes it; until then FAILOVER answers NOGOODSLAVE.
  const synced = async (): Promise<boolean> => {
    const list = (await admin.call('SENTINEL', 'REPLICAS', 'mymaster')) as string[][];
    return list.some((fields) => {
      const f = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
      return f.get('flags') === 'slave' && f.get('master-link-status') === 'ok';
    });
  };
  await until('the sentinel to know the replica in sync', synced, 30_000);
  let failover: unknown;
  await until('the sentinel to start a failover', async () => {
    failover = await admin.call('SENTINEL', 'FAILOVER', 'mymaster').catch((e: Error) => e.message);
    return failover === 'OK';
  }, 30_000);
  t.equal(failover, 'OK');
  const masterPort = async (): Promise<string> => ((await admin.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster')) as string[])[1]!;
  await until('the replica to be promoted', async () => (await masterPort()) === String(replica.port), 20_000);

  // The store's connection moves to the promoted replica: writes made after it are there.
  const promoted = new Redis(replica.port, '127.0.0.1');
  t.teardown(() => promoted.disconnect());
  const t0 = Date.now();
  let n = 0, errors = 0;
  await until('a write to reach the promoted replica', async () => {
    try { await r.incr('sn:after'); n++; } catch { errors++; /* READONLY or reconnecting: try again */ }
    return (await promoted.get('sn:after')) !== null;
  }, 20_000);
  const oldRole = (await direct.role())[0];
  t.comment(`switched after ${Date.now() - t0} ms: ${n} writes, ${errors} errors`);
  // Without ioredis's failoverDetector the store stayed on the old master until the sentinel demoted it
  // (about 10 s here, some 930 writes, all lost in its resync); with it, it leaves as soon as the
  // sentinel announces the switch, while the old master still takes writes.
  t.equal(oldRole, 'master', 'the store left the old master before the sentinel demoted it');
  t.equal(await promoted.get('sn:before'), '1', 'what was written before the failover is there too');
  t.equal(await promoted.role().then((x) => x[0]), 'master');
});
