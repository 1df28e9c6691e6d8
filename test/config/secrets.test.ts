import t from 'tap';
import { buildConfig } from '../../src/config/schema.js';
import { plaintextPasswords, redactConfig, redactUrl } from '../../src/config/secrets.js';

t.test('a Redis URL is shown with its user and password masked, whole even when the password holds @ or /', async (t) => {
  t.equal(redactUrl('redis://user:hunter2@127.0.0.1:6379/0'), 'redis://***@127.0.0.1:6379/0');
  t.equal(redactUrl('rediss://:hunter2@redis.example:6380'), 'rediss://***@redis.example:6380');
  t.equal(redactUrl('redis://alice:p@ss@w0rd@10.0.0.7:6379'), 'redis://***@10.0.0.7:6379');
  t.equal(redactUrl('redis://alice:a/b@c@10.0.0.7:6379'), 'redis://***@10.0.0.7:6379');
  t.equal(redactUrl('redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379', 'no credentials: unchanged');
});

t.test('the printed config masks every secret: carrier passwords, the Redis user, password and sentinel password', async (t) => {
  const secrets = ['url-user', 'url-p@ss', 'redis-user', 'redis-pw', 'sentinel-pw', 'smpp-pw-1', 'smpp-pw-2'];
  const cfg = buildConfig({
    redis: {
      url: 'redis://url-user:url-p@ss@127.0.0.1:6379', username: 'redis-user', password: { env: 'RPW' },
      sentinels: [{ host: '127.0.0.1', port: 26379 }], sentinelPassword: 'sentinel-pw',
    },
    carriers: [
      { name: 'cmcc', host: '127.0.0.1', systemId: 'x', password: 'smpp-pw-1' },
      { name: 'cucc', host: '127.0.0.1', systemId: 'x', password: 'smpp-pw-2' },
      { name: 'ctcc', host: '127.0.0.1', systemId: 'x' },
    ],
  }, { RPW: 'redis-pw' });
  const shown = redactConfig(cfg);
  const text = JSON.stringify(shown);
  for (const s of secrets) t.notOk(text.includes(s), `no ${s}`);
  t.match(shown, {
    redis: { url: 'redis://***@127.0.0.1:6379', username: '***', password: '***', sentinelPassword: '***' },
    carriers: [{ channels: [{ password: '***' }] }, { channels: [{ password: '***' }] }, { channels: [{ password: '' }] }],
  });
  t.equal(cfg.redis.password, 'redis-pw', 'the config itself is left as it was');
  t.equal(cfg.carriers[0]!.channels[0]!.password, 'smpp-pw-1');
});

t.test('plaintext passwords are found by field path; { env } and { file } secrets and empty ones are not', async (t) => {
  t.same(plaintextPasswords({
    redis: { password: 'x', sentinelPassword: { env: 'S' }, username: 'u' },
    carriers: [{ password: '' }, { password: 'y', tlsKeyPassphrase: 'z' }, { password: { file: '/etc/p' } }],
  }), ['redis.password', 'carriers[1].password', 'carriers[1].tlsKeyPassphrase']);
  t.same(plaintextPasswords({ carriers: 'not a list' }), []);
  t.same(plaintextPasswords(null), []);
});
