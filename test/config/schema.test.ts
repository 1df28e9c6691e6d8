import { hostname } from 'node:os';
import t from 'tap';
import { buildConfig } from '../../src/config/schema.js';
import { SmppdError } from '../../src/errors.js';

const base = (): Record<string, any> => ({ carriers: [{ name: 'cmcc', host: '127.0.0.1', systemId: 'x' }] });

function pathOf(raw: unknown, env: NodeJS.ProcessEnv = {}): string | undefined {
  try {
    buildConfig(raw, env);
  } catch (e) {
    if (e instanceof SmppdError && e.code === 'CONFIG_INVALID') return e.path;
    throw e;
  }
  return undefined;
}

t.test('a minimal config gets every documented default', async (t) => {
  const c = buildConfig(base(), {});
  t.equal(c.carriers[0]!.channels[0]!.port, 2775);
  t.equal(c.carriers[0]!.channels[0]!.windowSize, 10);
  t.equal(c.carriers[0]!.otpWindowSlots, 1, 'a tenth of the window is kept for OTP');
  t.equal(c.carriers[0]!.channels[0]!.bindType, 'transceiver');
  t.equal(c.redis.url, 'redis://127.0.0.1:6379');
  t.equal(c.redis.prefix, 'smppd:');
  t.equal(c.metrics.host, '127.0.0.1', 'metrics bind to loopback by default');
  t.equal(c.text.optOutLine, '回复TD退订');
  t.same(c.care.caps.marketing, { limit: 4, period: 'month' });
  t.equal(c.care.quietHours.start, '21:00');
  t.equal(c.routing.default, 'cmcc');
});

t.test('otpWindowSlots defaults to a tenth of every bind\'s window together', async (t) => {
  const raw = base();
  Object.assign(raw.carriers[0], { windowSize: 50, binds: 4 });
  t.equal(buildConfig(raw, {}).carriers[0]!.otpWindowSlots, 20);
  Object.assign(raw.carriers[0], { windowSize: 5, binds: 1, maxParts: 5 });
  t.equal(buildConfig(raw, {}).carriers[0]!.otpWindowSlots, 0, 'none for a window under 10');
});

t.test('streamRetentionMs defaults to an hour, or retentionMs when shorter, and may not exceed retentionMs', async (t) => {
  t.equal(buildConfig(base(), {}).queue.streamRetentionMs, 3_600_000);
  t.equal(buildConfig({ ...base(), queue: { retentionMs: 60_000 } }, {}).queue.streamRetentionMs, 60_000);
  t.equal(buildConfig({ ...base(), queue: { streamRetentionMs: 5000 } }, {}).queue.streamRetentionMs, 5000);
  t.equal(pathOf({ ...base(), queue: { retentionMs: 60_000, streamRetentionMs: 60_001 } }), 'queue.streamRetentionMs',
    'a job stream entry may not outlive the job\'s record');
});

t.test('REDIS_URL fills redis.url when the file has none', async (t) => {
  t.equal(buildConfig(base(), { REDIS_URL: 'redis://10.0.0.1:7000' }).redis.url, 'redis://10.0.0.1:7000');
});

t.test('a wrong field is reported with its dotted path', async (t) => {
  const cases: [string, (r: Record<string, any>) => void][] = [
    ['carriers[0].port', (r) => { r.carriers[0].port = 'x'; }],
    ['carriers[0].port', (r) => { r.carriers[0].port = 70000; }],
    ['carriers[0].bindType', (r) => { r.carriers[0].bindType = 'both'; }],
    ['carriers[0].host', (r) => { delete r.carriers[0].host; }],
    ['carriers[0].windowsize', (r) => { r.carriers[0].windowsize = 5; }],
    ['carriers[1].name', (r) => { r.carriers.push({ ...r.carriers[0] }); }],
    ['redis.url', (r) => { r.redis = { url: 'http://x' }; }],
    ['care.quietHours.start', (r) => { r.care = { quietHours: { start: '25:00' } }; }],
    ['care.caps.marketing.period', (r) => { r.care = { caps: { marketing: { limit: 4, period: 'year' } } }; }],
    ['routing.default', (r) => { r.routing = { default: 'nobody' }; }],
    ['carriers', (r) => { r.carriers = []; }],
    ['queue.marketingShare', (r) => { r.queue = { marketingShare: 2 }; }],
    ['carriers[0].password', (r) => { r.carriers[0].password = { env: 'NOPE_NOT_SET' }; }],
    ['carriers[0].maxParts', (r) => { r.carriers[0].maxParts = 20; r.carriers[0].windowSize = 10; }],
    ['carriers[0].otpWindowSlots', (r) => { r.carriers[0].otpWindowSlots = 10; }], // the whole window: nothing left for the others
    ['carriers[0].otpWindowSlots', (r) => { r.carriers[0].otpWindowSlots = 'two'; }],
  ];
  for (const [path, mutate] of cases) {
    const raw = base();
    mutate(raw);
    t.equal(pathOf(raw), path, `reports ${path}`);
  }
});

t.test('a password can come from the environment or a file and is never in the message', async (t) => {
  const raw = base();
  raw.carriers[0].password = { env: 'SMPP_PW' };
  t.equal(buildConfig(raw, { SMPP_PW: 's3cret' }).carriers[0]!.channels[0]!.password, 's3cret');
  raw.carriers[0].port = 'bad';
  try {
    buildConfig(raw, { SMPP_PW: 's3cret' });
    t.fail('should throw');
  } catch (e) {
    t.notMatch((e as Error).message, /s3cret/);
  }
});

const fx = (f: string): string => new URL(`../fixtures/tls/${f}`, import.meta.url).pathname;

t.test('tlsCertFile and tlsKeyFile give a TLS carrier its client certificate, an encrypted key opened with tlsKeyPassphrase', async (t) => {
  const raw = base();
  Object.assign(raw.carriers[0], { tls: true, tlsCertFile: fx('esme-cert.pem'), tlsKeyFile: fx('esme-key.pem') });
  const c = buildConfig(raw, {}).carriers[0]!.channels[0]!;
  t.match(c.tlsCert, /^-----BEGIN CERTIFICATE-----/);
  t.match(c.tlsKey, /^-----BEGIN PRIVATE KEY-----/);
  const enc = base();
  Object.assign(enc.carriers[0], {
    tls: true, tlsCertFile: fx('esme-cert.pem'), tlsKeyFile: fx('esme-key-encrypted.pem'), tlsKeyPassphrase: { env: 'KEY_PASS' },
  });
  const d = buildConfig(enc, { KEY_PASS: 'fixture-pass' }).carriers[0]!.channels[0]!;
  t.match(d.tlsKey, /^-----BEGIN PRIVATE KEY-----/, 'kept decrypted, so the passphrase is not kept');
  t.equal(d.tlsKey, c.tlsKey, 'the same key as the unencrypted file');
  t.equal(buildConfig(base(), {}).carriers[0]!.channels[0]!.tlsCert, undefined, 'none given: no client certificate');
});

t.test('a client certificate that cannot work is refused at start at the path of the field to fix', async (t) => {
  const ok = { tls: true, tlsCertFile: fx('esme-cert.pem'), tlsKeyFile: fx('esme-key.pem') };
  const bad: [string, string, Record<string, unknown>][] = [
    ['carriers[0].tlsCertFile', 'needs tls: true', { ...ok, tls: false }],
    ['carriers[0].tlsKeyFile', 'is required with tlsCertFile', { ...ok, tlsKeyFile: undefined }],
    ['carriers[0].tlsCertFile', 'is required with tlsKeyFile', { ...ok, tlsCertFile: undefined }],
    ['carriers[0].tlsKeyPassphrase', 'needs tlsKeyFile', { tls: true, tlsKeyPassphrase: 'x' }],
    ['carriers[0].tlsCertFile', 'cannot read /nonexistent/cert.pem: ENOENT', { ...ok, tlsCertFile: '/nonexistent/cert.pem' }],
    ['carriers[0].tlsCertFile', 'holds no PEM certificate', { ...ok, tlsCertFile: fx('README.md') }],
    ['carriers[0].tlsKeyFile', 'holds no PEM private key', { ...ok, tlsKeyFile: fx('esme-cert.pem') }],
    ['carriers[0].tlsKeyFile', 'is not the key of the certificate', { ...ok, tlsKeyFile: fx('smsc-key.pem') }],
    ['carriers[0].tlsKeyFile', 'is encrypted: set tlsKeyPassphrase', { ...ok, tlsKeyFile: fx('esme-key-encrypted.pem') }],
    ['carriers[0].tlsKeyPassphrase', 'does not decrypt', { ...ok, tlsKeyFile: fx('esme-key-encrypted.pem'), tlsKeyPassphrase: 'wrong' }],
  ];
  for (const [path, why, fields] of bad) {
    const r = base();
    Object.assign(r.carriers[0], fields);
    for (const k of Object.keys(r.carriers[0])) if (r.carriers[0][k] === undefined) delete r.carriers[0][k];
    t.equal(pathOf(r), path, why);
    t.throws(() => buildConfig(r, {}), new RegExp(why.replace(/[.:/]/g, '\\$&')), why);
  }
});

t.test('tlsCaFile gives a TLS carrier the CAs read from a PEM file, and a bad one is refused at its path', async (t) => {
  const pem = new URL('../fixtures/tls/smsc-cert.pem', import.meta.url).pathname;
  const raw = base();
  raw.carriers[0].tls = true;
  raw.carriers[0].tlsCaFile = pem;
  const c = buildConfig(raw, {}).carriers[0]!.channels[0]!;
  t.match(c.tlsCa, /^-----BEGIN CERTIFICATE-----/);
  t.equal(buildConfig(base(), {}).carriers[0]!.channels[0]!.tlsCa, undefined, 'none given: the system\'s CAs');
  const bad: [string, (r: Record<string, any>) => void][] = [
    ['needs tls: true', (r) => { r.carriers[0].tlsCaFile = pem; }],
    ['cannot read /nonexistent/ca.pem: ENOENT', (r) => { r.carriers[0].tls = true; r.carriers[0].tlsCaFile = '/nonexistent/ca.pem'; }],
    ['holds no PEM certificate', (r) => { r.carriers[0].tls = true; r.carriers[0].tlsCaFile = new URL('../fixtures/tls/README.md', import.meta.url).pathname; }],
  ];
  for (const [why, mutate] of bad) {
    const r = base();
    mutate(r);
    t.equal(pathOf(r), 'carriers[0].tlsCaFile', why);
    t.throws(() => buildConfig(r, {}), new RegExp(why.replace(/[.:/]/g, '\\$&')));
  }
});

t.test('a config with several wrong fields is refused naming every one, the first as its path', async (t) => {
  const raw = base();
  raw.colour = 'blue';
  raw.queue = { leaseMs: -1 };
  Object.assign(raw.carriers[0], { port: 'bad', windowSize: 0 });
  const err = (() => { try { buildConfig(raw, {}); } catch (e) { return e as SmppdError; } return undefined; })();
  t.equal(err?.code, 'CONFIG_INVALID');
  t.equal(err?.path, 'colour', 'the first problem is the path');
  for (const p of ['colour: unknown field', 'queue.leaseMs: must be between', 'carriers[0].port: must be an integer', 'carriers[0].windowSize: must be between']) {
    t.ok(err?.message.includes(p), `names ${p}`);
  }
});

t.test('reconnectMinMs above reconnectMaxMs is refused at reconnectMinMs', async (t) => {
  const raw = base();
  Object.assign(raw.carriers[0], { reconnectMinMs: 5000, reconnectMaxMs: 1000 });
  t.equal(pathOf(raw), 'carriers[0].reconnectMinMs');
  t.throws(() => buildConfig(raw, {}), /must not exceed reconnectMaxMs \(1000\)/);
  Object.assign(raw.carriers[0], { reconnectMinMs: 1000 });
  t.equal(pathOf(raw), undefined, 'equal is fine');
});

t.test('a key written with no value is left out, except routing.default (unroutable) and a class under care.caps (a default cap)', async (t) => {
  const c = buildConfig({ ...base(), instanceId: null, queue: { leaseMs: null }, routing: { default: null }, care: { caps: { otp: null } } }, {});
  t.equal(c.instanceId, hostname(), 'instanceId: is the host name, as when left out');
  t.equal(c.queue.leaseMs, 15_000);
  t.equal(c.routing.default, null);
  t.same(c.care.caps, { otp: { limit: 4, period: 'month' } });
});

t.test('a value of the wrong kind where a mapping or list belongs is a config problem, never a crash', async (t) => {
  const shapes: unknown[] = [['a', 'b'], 'text', 5, true];
  for (const v of shapes) {
    t.throws(() => buildConfig(v), { code: 'CONFIG_INVALID' }, `the whole file as ${JSON.stringify(v)}`);
    for (const section of ['redis', 'queue', 'care', 'routing', 'carriers']) {
      t.throws(() => buildConfig({ [section]: v, carriers: section === 'carriers' ? v : [{ name: 'a', host: 'h', systemId: 's' }] }),
        { code: 'CONFIG_INVALID' }, `${section} as ${JSON.stringify(v)}`);
    }
    t.throws(() => buildConfig({ carriers: [v] }), { code: 'CONFIG_INVALID' }, `a carrier as ${JSON.stringify(v)}`);
  }
});
