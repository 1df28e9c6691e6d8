import t from 'tap';
import { buildConfig } from '../../src/config/schema.js';
import { createRedis } from '../../src/store/redis.js';

const carriers = [{ name: 'cmcc', host: '127.0.0.1', systemId: 'x' }];

t.test('redis secrets come from the environment or a file, and a missing one names its field', async (t) => {
  const cfg = buildConfig({ redis: { username: { env: 'RU' }, password: { env: 'RP' }, sentinelPassword: { env: 'SP' } }, carriers }, { RU: 'u', RP: 'p', SP: 's' });
  t.equal(cfg.redis.username, 'u');
  t.equal(cfg.redis.password, 'p');
  t.equal(cfg.redis.sentinelPassword, 's');
  t.throws(() => buildConfig({ redis: { password: { env: 'NOPE' } }, carriers }, {}), { code: 'CONFIG_INVALID', message: /redis\.password: environment variable NOPE is not set/ });
  t.throws(() => buildConfig({ redis: { password: { file: '/nonexistent/pw' } }, carriers }, {}), { message: /redis\.password: cannot read \/nonexistent\/pw: ENOENT/ });
  t.throws(() => buildConfig({ redis: { url: 'http://x' }, carriers }, {}), { message: /redis\.url: must start with redis:\/\/ or rediss:\/\// });
  t.throws(() => buildConfig({ redis: { sentinels: [{ host: 'a', port: 'x' }] }, carriers }, {}), { message: /redis\.sentinels\[0\]\.port: must be an integer/ });
});

t.test('rediss:// turns TLS on, and credentials reach the client', async (t) => {
  const r = createRedis({ url: 'rediss://cache.example:6380', prefix: 'p:', username: 'u', password: 'p' }, 'test');
  t.teardown(() => r.disconnect());
  t.same(r.options.tls, {});
  t.equal(r.options.username, 'u');
  t.equal(r.options.password, 'p');
  t.equal(r.options.port, 6380);
  const plain = createRedis({ url: 'redis://127.0.0.1:6379', prefix: 'p:' }, 'test');
  t.teardown(() => plain.disconnect());
  t.equal(plain.options.tls, undefined);
});

t.test('Sentinel: the sentinels, the master name, their own password, TLS and URL credentials reach the client', async (t) => {
  const cfg = buildConfig({
    redis: { url: 'rediss://:from-url@ignored:1', sentinels: [{ host: '10.0.0.1' }, { host: '10.0.0.2', port: 26380 }], sentinelName: 'queue', sentinelPassword: 'sp' },
    carriers,
  }, {});
  const r = createRedis(cfg.redis, 'test');
  t.teardown(() => r.disconnect());
  t.same(r.options.sentinels, [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26380 }]);
  t.equal(r.options.name, 'queue');
  t.equal(r.options.sentinelPassword, 'sp');
  t.equal(r.options.password, 'from-url', 'the master password from the URL when the config has none');
  t.equal(r.options.enableTLSForSentinelMode, true);
  t.same(r.options.tls, {});
});
