import t from 'tap';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { spawnSmppd } from '../helpers/daemon.js';
import { tlsFixturePath } from '../helpers/tls-front.js';

const dir = mkdtempSync(join(tmpdir(), 'smppd-check-'));

async function smppd(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const d = spawnSmppd(args, env);
  const { code } = await d.exited;
  return { code, out: d.output() };
}

function configFile(name: string, cfg: unknown, mode: number): string {
  const file = join(dir, name);
  writeFileSync(file, stringify(cfg));
  chmodSync(file, mode);
  return file;
}

const SECRETS = ['Url-User', 'Url-P@ss', 'w0rd', 'Acl-User-7', 'Redis-Pw-7', 'Sentinel-Pw-7', 'Smpp-Pw-7', 'fixture-pass'];
const withSecrets = {
  redis: {
    url: 'redis://Url-User:Url-P@ss%2Fw0rd@127.0.0.1:6379', username: 'Acl-User-7', password: 'Redis-Pw-7',
    sentinels: [{ host: '127.0.0.1', port: 26379 }], sentinelPassword: 'Sentinel-Pw-7',
  },
  carriers: [{
    name: 'cmcc', host: '127.0.0.1', systemId: 'x', password: 'Smpp-Pw-7', tls: true,
    tlsCertFile: tlsFixturePath('esme-cert.pem'), tlsKeyFile: tlsFixturePath('esme-key-encrypted.pem'), tlsKeyPassphrase: 'fixture-pass',
  }],
};

t.test('check-config --print masks every secret, the Redis user and a password holding @ included', async (t) => {
  const file = configFile('secrets.yaml', withSecrets, 0o600);
  const r = await smppd(['check-config', '--config', file, '--print']);
  t.equal(r.code, 0, r.out);
  for (const s of [...SECRETS, 'PRIVATE KEY']) t.notOk(r.out.includes(s), `${s} is not printed`);
  t.match(r.out, /"url": "redis:\/\/\*\*\*@127\.0\.0\.1:6379"/);
  t.match(r.out, /"username": "\*\*\*"/);
  t.match(r.out, /"sentinelPassword": "\*\*\*"/);
  t.notMatch(r.out, /warning/, 'a file only its owner reads gives no warning');
});

t.test('plaintext passwords in a config others can read give a warning naming the fields, never the values', async (t) => {
  const file = configFile('readable.yaml', withSecrets, 0o644);
  const r = await smppd(['check-config', '--config', file]);
  t.equal(r.code, 0, 'still valid');
  t.match(r.out, /smppd: warning: .*readable\.yaml is readable by every user \(mode 0644\) and holds plaintext passwords at redis\.password, redis\.sentinelPassword, carriers\[0\]\.password, carriers\[0\]\.tlsKeyPassphrase/);
  for (const s of SECRETS) t.notOk(r.out.includes(s), `${s} is not printed`);

  const fromEnv = configFile('env.yaml', { ...withSecrets, redis: { password: { env: 'RPW' } }, carriers: [{ name: 'cmcc', host: '127.0.0.1', systemId: 'x', password: { env: 'SPW' } }] }, 0o644);
  const quiet = await smppd(['check-config', '--config', fromEnv], { RPW: 'a', SPW: 'b' });
  t.equal(quiet.code, 0, quiet.out);
  t.notMatch(quiet.out, /warning/, 'secrets from the environment give no warning');

  const groupOnly = configFile('group.yaml', withSecrets, 0o640);
  const installed = await smppd(['check-config', '--config', groupOnly]);
  t.notMatch(installed.out, /warning/, 'a file only its owner and group read (0640 root:smppd, as installed) gives no warning');
});

t.test('the daemon logs the same warning at start', async (t) => {
  const file = configFile('run.yaml', { redis: { url: 'redis://127.0.0.1:1' }, metrics: { port: 0 }, carriers: [{ name: 'cmcc', host: '127.0.0.1', systemId: 'x', password: 'Smpp-Pw-7' }] }, 0o644);
  const r = await smppd(['run', '--config', file]);
  t.equal(r.code, 69, 'no Redis there: it stops after the warning');
  t.match(r.out, /"level":40.*holds plaintext passwords at carriers\[0\]\.password/);
  t.notOk(r.out.includes('Smpp-Pw-7'));
});

t.test('--help never shows the Redis URL of the environment, which may hold a password', async (t) => {
  const env = { REDIS_URL: 'redis://alice:Env-Pw-7@127.0.0.1:6379' };
  const [send, optout] = await Promise.all([smppd(['send', '--help'], env), smppd(['optout', '--help'], env)]);
  for (const r of [send, optout]) {
    t.equal(r.code, 0);
    t.match(r.out, /--redis .*\[default: \$REDIS_URL, or redis:\/\/127\.0\.0\.1:6379\]/);
    t.notOk(r.out.includes('Env-Pw-7'));
    t.notOk(r.out.includes('alice'));
  }
});
