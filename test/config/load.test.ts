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
  t.match(redactConfig(cfg), { carriers: [{ channels: [{ password: '***', tlsCa: 'PEM, 1 certificate(s)', tls: true }] }] });
});

t.test('the printed config shows a client certificate by its subject and expiry and never the key', async (t) => {
  const fx = (f: string): string => new URL(`../fixtures/tls/${f}`, import.meta.url).pathname;
  const cfg = buildConfig({
    carriers: [{
      name: 'cmcc', host: '127.0.0.1', systemId: 'x', tls: true, tlsCertFile: fx('esme-cert.pem'), tlsKeyFile: fx('esme-key.pem'),
    }],
  }, {});
  const text = JSON.stringify(redactConfig(cfg));
  t.notOk(text.includes('PRIVATE KEY'), 'no key');
  t.notOk(text.includes('BEGIN CERTIFICATE'), 'no PEM text');
  t.match(redactConfig(cfg), { carriers: [{ channels: [{ tlsCert: 'PEM, CN=esme, valid until 2126-11-03', tlsKey: '***' }] }] });
});
