import t from 'tap';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForEvents } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';
import { startTlsFront, tlsFixturePath as fixture, tlsFixture as fixtureText } from '../helpers/tls-front.js';
import { parse, stringify } from 'yaml';

// The SMSC's TLS end: it asks every ESME for a certificate and takes those it was given (both client
// fixtures). The simulator behind it gets its port below.
let upstream = 0;
const front = await startTlsFront(t, () => upstream, {
  requestCert: true, rejectUnauthorized: true, ca: [fixtureText('esme-cert.pem'), fixtureText('esme2-cert.pem')],
});
const seen = front.peers;

// The files the config names; the rotation below writes the second certificate over them.
const dir = mkdtempSync(join(tmpdir(), 'smppd-tls-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const certFile = join(dir, 'client-cert.pem');
const keyFile = join(dir, 'client-key.pem');
copyFileSync(fixture('esme-cert.pem'), certFile);
copyFileSync(fixture('esme-key.pem'), keyFile);

const { sim, redis, config, spawnDaemon } = await startStack(t, {
  carriers: ['cmcc'], daemon: false,
  perCarrier: {
    cmcc: {
      port: front.port, tls: true,
      tlsCaFile: fixture('smsc-cert.pem'), tlsCertFile: certFile, tlsKeyFile: keyFile,
    },
  },
});
upstream = sim.ports.cmcc!;
const daemon = spawnDaemon();
await daemon.waitFor(/smppd running/);

async function expiryGauge(): Promise<string | undefined> {
  const port = Number(/"metricsPort":(\d+)/.exec(daemon.output())?.[1]);
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return /smppd_tls_client_cert_expiry_timestamp_seconds\{carrier="cmcc"\} (\d+)/.exec(text)?.[1];
}

async function sendOne(id: string): Promise<void> {
  await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id, to: '13800138000', text: `over mutual TLS ${id}` }));
  await waitForEvents(redis, (e) => e.some((x) => x.id === id && x.state === 'delivered'));
}

t.test('the daemon binds to an SMSC that requires a client certificate, and sends through it', async (t) => {
  await sendOne('mtls-1');
  t.ok(seen.length >= 1 && seen.every((cn) => cn === 'esme'), `every handshake showed the configured certificate (${seen.join(', ')})`);
  t.equal(sim.submits.filter((s) => s.text === 'over mutual TLS mtls-1').length, 1);
  t.equal(await expiryGauge(), String(Date.UTC(2126, 10, 3, 15, 52, 59) / 1000), 'the metric reports the certificate\'s end');
  t.notOk(daemon.output().includes('PRIVATE KEY'), 'the key is never logged');
});

t.test('a certificate rotated on disk is used after SIGHUP: the carrier rebinds with the new one', async (t) => {
  copyFileSync(fixture('esme2-cert.pem'), certFile);
  copyFileSync(fixture('esme2-key.pem'), keyFile);
  const mark = daemon.output().length;
  const before = seen.length;
  daemon.kill('SIGHUP');
  await daemon.waitFor(/configuration reloaded/);
  t.match(daemon.output().slice(mark), /cmcc replaced/, 'the carrier whose files changed is replaced');
  await sendOne('mtls-2');
  t.ok(seen.slice(before).includes('esme2'), `a handshake after the reload showed the new certificate (${seen.slice(before).join(', ')})`);
  t.equal(await expiryGauge(), String(Date.UTC(2126, 6, 26, 16, 28, 34) / 1000), 'the metric follows the new certificate');
});

t.test('a daemon whose clock is within 14 days of the certificate\'s end says so at start', async (t) => {
  // A second daemon (its own instanceId) started with its clock 9 days before esme2's end (SMPPD_CLOCK_OFFSET_MS).
  const other = join(dir, 'other.yaml');
  writeFileSync(other, stringify({ ...(parse(readFileSync(config, 'utf8')) as object), instanceId: 'cert-check' }));
  const offsetMs = Date.UTC(2126, 6, 17) - Date.now();
  const late = spawnDaemon({ config: other, env: { SMPPD_CLOCK_OFFSET_MS: String(offsetMs) } });
  await late.waitFor(/TLS client certificate ends within 14 days/);
  const line = JSON.parse(late.output().split('\n').find((l) => l.includes('TLS client certificate ends'))!) as Record<string, unknown>;
  t.match(line, { level: 40, carrier: 'cmcc', validUntil: '2126-07-26T16:28:34.000Z' });
  t.notMatch(daemon.output(), /TLS client certificate (ends|has expired)/, 'the daemon on today\'s clock does not warn');
});
