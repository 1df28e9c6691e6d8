import t from 'tap';
import pino from 'pino';
import { Redis } from 'ioredis';
import { connect } from 'node:net';
import { App } from '../src/app.js';
import { buildConfig } from '../src/config/schema.js';
import { freePort, removeRedisDir, startRedis } from './helpers/redis-server.js';
import { until } from './helpers/until.js';

// The app in this process on a real Redis; its one carrier points at a port nobody listens on (it keeps reconnecting).
const srv = await startRedis();
t.teardown(async () => { await srv.stop(); removeRedisDir(srv); });

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

t.test('a stop step that fails is logged by name, every later step still runs and Redis is closed last', async (t) => {
  const cfg = buildConfig({
    instanceId: 'stop-1',
    redis: { url: srv.url, prefix: 'stop:' },
    metrics: { host: '127.0.0.1', port: 0 },
    carriers: [{ name: 'cmcc', host: '127.0.0.1', port: await freePort(), systemId: 'x', prefixes: ['86'] }],
  });
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => { lines.push(JSON.parse(s) as Record<string, unknown>); } });
  const app = new App({ config: cfg, logger, version: 'test' });
  await app.start();
  const probe = new Redis(srv.url);
  t.teardown(() => probe.disconnect());
  const port = app.metricsPort;
  t.equal(await probe.exists('stop:lease:stop-1'), 1, 'the lease is held while running');
  t.ok(await listening(port), 'the metrics server listens while running');

  // The first step and one in the middle fail (after doing their work, so nothing is left running).
  const parts = app as unknown as { intakes: { stop(): Promise<void> }[]; pool: { close(): Promise<void> } };
  const intake = parts.intakes[0]!;
  const stopIntake = intake.stop.bind(intake);
  intake.stop = async () => { await stopIntake(); throw new Error('intake would not stop'); };
  const pool = parts.pool;
  const closePool = pool.close.bind(pool);
  pool.close = async () => { await closePool(); throw new Error('pool would not close'); };

  const err = await app.stop(0).then(() => undefined, (e: unknown) => e);
  t.ok(err instanceof AggregateError, 'the stop rejects with every failure');
  const errors: unknown[] = err instanceof AggregateError ? err.errors : [err];
  t.same(errors.map((e) => (e as Error).message), ['intake would not stop', 'pool would not close'], 'one error per failed step, in order');
  t.match((err as Error).message, /intakes, pool/, 'its message names the failed steps');
  t.same(lines.filter((l) => l.step !== undefined).map((l) => l.step), ['intakes', 'pool'], 'each failure is logged with its step');
  t.equal(app.status, 'stopped', 'the app reports itself stopped');
  t.equal(await probe.exists('stop:lease:stop-1'), 0, 'the lease step ran after the failed intakes step');
  t.notOk(await listening(port), 'the metrics server step ran after the failed pool step');
  await until('every connection of the app to Redis closed', async () => !String(await probe.client('LIST')).includes('name=smppd:stop-1'));
});
