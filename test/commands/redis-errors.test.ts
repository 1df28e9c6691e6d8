import t from 'tap';
import { Redis } from 'ioredis';
import { freePort, removeRedisDir, startRedis } from '../helpers/redis-server.js';
import { spawnSmppd, writeConfig } from '../helpers/daemon.js';
import { tlsFixturePath } from '../helpers/tls-front.js';

// A Redis that speaks TLS only with the fixture certificate, which no system CA vouches for.
const tlsPort = await freePort();
const srv = await startRedis({
  args: ['--tls-port', String(tlsPort), '--tls-cert-file', tlsFixturePath('smsc-cert.pem'), '--tls-key-file', tlsFixturePath('smsc-key.pem'), '--tls-auth-clients', 'no'],
});
const redis = new Redis(srv.url);
t.teardown(async () => {
  redis.disconnect();
  await srv.stop();
  removeRedisDir(srv);
});

async function smppd(args: string[]): Promise<{ code: number | null; out: string }> {
  const d = spawnSmppd(args);
  const { code } = await d.exited;
  return { code, out: d.output() };
}

const ports = { cmcc: 1, cucc: 1 };

t.test('status --redis reads the Redis it names instead of the config\'s', async (t) => {
  await redis.zadd('smppd:dead', 1, 'dead-1', 2, 'dead-2'); // what only this Redis holds
  const config = writeConfig({ redisUrl: 'redis://127.0.0.1:1', ports });
  const r = await smppd(['status', '--config', config, '--redis', srv.url, '--json']);
  t.equal(r.code, 0, r.out);
  const report = JSON.parse(r.out) as { lanes: unknown[]; deadLetters: number };
  t.equal(report.lanes.length, 6, 'the carriers are still the config\'s');
  t.equal(report.deadLetters, 2);
});

t.test('REDIS_UNAVAILABLE names the masked URL and the cause, a password holding @ masked whole', async (t) => {
  const config = writeConfig({ redisUrl: srv.url, ports });
  const url = 'redis://alice:Pass@Word-7@127.0.0.1:1';
  const [status, send] = await Promise.all([
    smppd(['status', '--config', config, '--redis', url]),
    smppd(['send', '--redis', url, '--to', '13800138000', '--text', 'x']),
  ]);
  for (const [name, r] of [['status', status], ['send', send]] as const) {
    t.equal(r.code, 69, name);
    t.match(r.out, new RegExp(`smppd ${name}: REDIS_UNAVAILABLE: Redis at redis://\\*\\*\\*@127\\.0\\.0\\.1:1: .*ECONNREFUSED`), name);
    for (const s of ['alice', 'Pass', 'Word-7']) t.notOk(r.out.includes(s), `${name} does not print ${s}`);
  }
});

t.test('a TLS handshake failure to Redis names the TLS error, from status, send and the daemon', async (t) => {
  const url = `rediss://127.0.0.1:${tlsPort}`;
  const config = writeConfig({ redisUrl: url, ports, extra: { metrics: { port: 0 } } });
  const [status, send, run] = await Promise.all([
    smppd(['status', '--config', config]),
    smppd(['send', '--redis', url, '--to', '13800138000', '--text', 'x']),
    smppd(['run', '--config', config]),
  ]);
  for (const [name, r] of [['status', status], ['send', send], ['run', run]] as const) {
    t.equal(r.code, 69, name);
    t.match(r.out, new RegExp(`REDIS_UNAVAILABLE: Redis at rediss://127\\.0\\.0\\.1:${tlsPort}: self-signed certificate`), name);
    t.notMatch(r.out, /Connection is closed/, `${name} says more than "Connection is closed."`);
  }
});
