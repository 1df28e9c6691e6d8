import t from 'tap';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { spawnSmppd, writeConfig } from '../helpers/daemon.js';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';

const dir = mkdtempSync(join(tmpdir(), 'smppd-badcfg-'));

t.test('the daemon refuses to start on a bad config, naming the field, with exit code 78', async (t) => {
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'carriers:\n  - name: cmcc\n    host: 127.0.0.1\n    systemId: x\n    port: "twenty"\n');
  const d = spawnSmppd(['run', '--config', file]);
  const { code } = await d.exited;
  t.equal(code, 78);
  t.match(d.output(), /CONFIG_INVALID: carriers\[0\]\.port: must be an integer/);
});

t.test('an unreadable config file exits 78 with CONFIG_UNREADABLE', async (t) => {
  const d = spawnSmppd(['run', '--config', join(dir, 'missing.yaml')]);
  t.equal((await d.exited).code, 78);
  t.match(d.output(), /CONFIG_UNREADABLE/);
});

t.test('check-config accepts the packaged default config', async (t) => {
  const d = spawnSmppd(['check-config']);
  t.equal((await d.exited).code, 0);
  t.match(d.output(), /ok \(3 carriers: cmcc, cucc, ctcc\)/);
});

t.test('a daemon that cannot reach Redis exits 69 with REDIS_UNAVAILABLE', async (t) => {
  const file = join(dir, 'noredis.yaml');
  writeFileSync(file, 'redis:\n  url: redis://127.0.0.1:1\nmetrics:\n  port: 0\ncarriers:\n  - name: cmcc\n    host: 127.0.0.1\n    systemId: x\n');
  const d = spawnSmppd(['run', '--config', file]);
  t.equal((await d.exited).code, 69);
  t.match(d.output(), /REDIS_UNAVAILABLE/);
});

t.test('a metrics port another process holds ends the daemon with METRICS_PORT_IN_USE (75), no stack trace', async (t) => {
  const srv = await startRedis();
  const taken = createServer();
  await new Promise<void>((res) => taken.listen(0, '127.0.0.1', res));
  t.teardown(async () => { await new Promise((res) => taken.close(res)); await srv.stop(); removeRedisDir(srv); });
  const port = (taken.address() as AddressInfo).port;
  const file = writeConfig({ redisUrl: srv.url, ports: { cmcc: 1 }, extra: { metrics: { host: '127.0.0.1', port } } });
  const d = spawnSmppd(['run', '--config', file]);
  t.equal((await d.exited).code, 75);
  t.match(d.output(), new RegExp(`smppd: METRICS_PORT_IN_USE: metrics\\.port: 127\\.0\\.0\\.1:${port} is taken by another process`));
  t.notMatch(d.output(), /internal error|\n\s+at |\\n\s+at /, 'no stack trace, on stderr or in the log');
});

t.test('SIGTERM while start waits for a lapsing lease ends the wait: exit 0, nothing bound, the lease left alone', async (t) => {
  const srv = await startRedis();
  const redis = new Redis(srv.url);
  t.teardown(async () => { redis.disconnect(); await srv.stop(); removeRedisDir(srv); });
  // A crashed predecessor's lease, live for another minute: start waits for it to lapse.
  await redis.set('smppd:lease:test-daemon', 'a-crashed-predecessor', 'PX', 60_000);
  const file = writeConfig({ redisUrl: srv.url, ports: { cmcc: 1 } });
  const d = spawnSmppd(['run', '--config', file]);
  await d.waitFor(/waiting for it to lapse/);
  const sentMs = Date.now();
  d.kill('SIGTERM');
  const { code } = await d.exited;
  const tookMs = Date.now() - sentMs;
  t.equal(code, 0, 'exit 0');
  t.ok(tookMs < 20_000, `it stopped in ${tookMs} ms, long before the lease lapses`);
  t.notMatch(d.output(), /smppd running/, 'it never finished starting');
  t.notMatch(d.output(), /connecting|binding|"carrier"/, 'no carrier was bound');
  t.match(d.output(), /stopping before start finished/);
  t.equal(await redis.get('smppd:lease:test-daemon'), 'a-crashed-predecessor', 'the other lease is untouched');
  t.ok((await redis.pttl('smppd:lease:test-daemon')) > 20_000);
});
