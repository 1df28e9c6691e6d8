import t from 'tap';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';
import { spawnSmppd, writeConfig } from '../helpers/daemon.js';

// DEBUG SLEEP stands for a Redis that hangs (redis-server 7 refuses DEBUG unless enabled).
const srv = await startRedis({ args: ['--enable-debug-command', 'local'] });
let cmcc: Simulator = await startSimulator({ carriers: [{ name: 'cmcc', port: 0 }] });
const cucc = await startSimulator({ carriers: [{ name: 'cucc', port: 0 }] });
const cmccPort = cmcc.ports.cmcc!;
const config = writeConfig({ redisUrl: srv.url, ports: { cmcc: cmccPort, cucc: cucc.ports.cucc! }, carrier: { reconnectMinMs: 100, reconnectMaxMs: 300 } });
const daemon = spawnSmppd(['run', '--config', config]);
t.teardown(async () => {
  daemon.kill('SIGKILL');
  await daemon.exited;
  await cmcc.close();
  await cucc.close();
  await srv.stop();
  removeRedisDir(srv);
});
await daemon.waitFor(/smppd running/, 60_000); // generous: the machine may be loaded
const port = Number(/"metricsPort":(\d+)/.exec(daemon.output())?.[1]);
const base = `http://127.0.0.1:${port}`;

async function readyz(): Promise<{ status: number; body: { ready: boolean; checks: Record<string, unknown> } }> {
  const r = await fetch(`${base}/readyz`);
  return { status: r.status, body: await r.json() as { ready: boolean; checks: Record<string, unknown> } };
}

/** Polls /readyz until it answers `status`; returns the last answer. */
async function until(status: number, timeoutMs = 30_000): Promise<Awaited<ReturnType<typeof readyz>>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await readyz();
    if (r.status === status || Date.now() > end) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
}

const bindsUp = async (carrier: string): Promise<number> => {
  const body = await (await fetch(`${base}/metrics`)).text();
  return Number(new RegExp(`smppd_binds_up\\{carrier="${carrier}",channel="${carrier}"\\} (\\d+)`).exec(body)?.[1] ?? -1);
};

t.test('readyz is 200 with every carrier bound, and the HTTP server listens on 127.0.0.1 only', async (t) => {
  const r = await until(200);
  t.equal(r.status, 200);
  t.same(r.body.checks, { redis: true, lease: true, 'carrier:cmcc': true, 'carrier:cucc': true });
  t.match(daemon.output(), /"host":"127\.0\.0\.1","port":\d+,"msg":"metrics listening"/);
  t.equal((await fetch(`${base}/healthz`)).status, 200);
});

t.test('readyz turns 503 when a carrier loses its bind and its SMSC refuses new ones, and 200 when it is back', async (t) => {
  await cmcc.close();
  // Same port, refusing every bind: the daemon keeps retrying and stays unbound.
  cmcc = await startSimulator({ carriers: [{ name: 'cmcc', port: cmccPort, behaviours: { refuseBinds: 1_000_000 } }] });
  const down = await until(503);
  t.equal(down.status, 503, 'not ready');
  t.equal(down.body.checks['carrier:cmcc'], false, 'the failing check is named');
  t.equal(down.body.checks['carrier:cucc'], true, 'the other carrier is still fine');
  t.equal(await bindsUp('cmcc'), 0, 'smppd_binds_up shows the carrier down');
  t.equal((await fetch(`${base}/healthz`)).status, 200, 'alive all along: liveness is not readiness');
  const refusedBefore = cmcc.stats().cmcc!.bindsRefused;
  await new Promise((r) => setTimeout(r, 600));
  t.ok(cmcc.stats().cmcc!.bindsRefused > refusedBefore, 'the daemon keeps trying to bind');

  cmcc.setBehaviours('cmcc', {});
  const up = await until(200);
  t.equal(up.status, 200, 'ready again once a bind is accepted');
  t.equal(await bindsUp('cmcc'), 1);
});

t.test('readyz names a side connection to Redis that dropped, and is 200 again once it reconnects', async (t) => {
  const { Redis } = await import('ioredis');
  const admin = new Redis(srv.url);
  t.teardown(() => admin.disconnect());
  // The bulk-ingest connection; ioredis reconnects after 200 ms (src/store/redis.ts retryStrategy).
  t.equal(await admin.call('CLIENT', 'KILL', 'ID', await ingestId(admin)), 1, 'the ingest connection is killed');
  let seen: Awaited<ReturnType<typeof readyz>> | undefined;
  const end = Date.now() + 2000;
  while (!seen && Date.now() < end) {
    const r = await readyz();
    if (r.status === 503) seen = r;
  }
  t.equal(seen?.body.checks.redis, false);
  t.equal(seen?.body.checks['redis:down'], 'ingest', 'the connection that is down is named');
  t.equal((await until(200)).status, 200, 'ready again after the reconnect');
});

async function ingestId(admin: import('ioredis').Redis): Promise<string> {
  const list = (await admin.client('LIST')) as string;
  const line = list.split('\n').find((l) => / name=smppd:test-daemon:ingest /.test(l));
  return /\bid=(\d+)/.exec(line ?? '')?.[1] ?? 'none';
}

t.test('readyz turns 503 naming redis while Redis hangs with its connections up, and 200 once it answers again', async (t) => {
  const { Redis } = await import('ioredis');
  const admin = new Redis(srv.url);
  t.teardown(() => admin.disconnect());
  t.equal((await until(200)).status, 200, 'ready before the hang');
  const sleeping = admin.call('DEBUG', 'SLEEP', '6');
  const down = await until(503);
  t.equal(down.status, 503, 'not ready while Redis does not answer');
  t.equal(down.body.checks.redis, false);
  t.match(down.body.checks['redis:silent'], /^main: no answer for \d+ ms$/, 'the silent connection is named');
  t.equal(down.body.checks['redis:down'], undefined, 'no connection is down: they are all up, and silent');
  t.equal((await fetch(`${base}/healthz`)).status, 200, 'alive all along');
  await sleeping;
  t.equal((await until(200)).status, 200, 'ready again once Redis answers');
});

t.test('SIGTERM exits 0 and the HTTP server goes away', async (t) => {
  daemon.kill('SIGTERM');
  t.equal((await daemon.exited).code, 0);
  await t.rejects(fetch(`${base}/healthz`));
});
