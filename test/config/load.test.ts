import t from 'tap';
import { buildConfig } from '../../src/config/schema.js';
import { redactConfig } from '../../src/config/load.js';

t.test('the printed config masks passwords and the Redis URL\'s, and names a CA bundle by its certificate count', async (t) => {
  const ca = new URL('../fixtures/tls/smsc-cert.pem', import.meta.url).pathname;
  const cfg = buildConfig({
    redis: { url: 'redis://user:redis-pw@127.0.0.1:6379' },
    carriers: [{ name: 'cmcc', host: '127.0.0.1', systemId: 'x', password: 'smpp-pw', tls: true, tlsCaFile: ca }],
  }, {});
  const text = JSON.stringify(redactConfig(cfg));
  for (const secret of ['redis-pw', 'smpp-pw']) t.notOk(text.includes(secret), `no ${secret}`);
  t.notOk(text.includes('BEGIN CERTIFICATE'), 'no PEM text');
  t.match(redactConfig(cfg), { carriers: [{ password: '***', tlsCa: 'PEM, 1 certificate(s)', tls: true }] });
});
