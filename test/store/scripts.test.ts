import t from 'tap';
import { createHash } from 'node:crypto';
import { createRedis } from '../../src/store/redis.js';
import { runScript, scriptSource } from '../../src/store/scripts.js';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';

const srv = await startRedis();
const redis = createRedis({ url: srv.url, prefix: 's:' }, 'test');
await redis.connect();
t.teardown(async () => { redis.disconnect(); await srv.stop(); removeRedisDir(srv); });

let ref = 1;
/** mo-part (KEYS: its part hash, the pending set) with a one-part message answers {'complete', text}. */
const moPartArgs = (member: string, text: string | Buffer): (string | number | Buffer)[] =>
  [`s:{cmcc}:mo:part:${member}`, 's:{cmcc}:mo:pending', 1_700_000_000_000, 60_000, member, '+8613800138000', '10690000', 1, 1, text];
const moPart = (text: string | Buffer, buffers = false): Promise<unknown> =>
  runScript(redis, 'mo-part', 2, moPartArgs(`+8613800138000|${ref++}|1`, text), buffers);

t.test('arguments reach the script byte for byte; the reply comes back as strings', async (t) => {
  const text = '【验证码】123456 😀 é';
  const res = (await moPart(text)) as string[];
  t.equal(res[0], 'complete');
  t.equal(res[1], text);
  t.equal(((await moPart('')) as string[])[1], '', 'an empty argument stays empty');
});

t.test('with buffers, bulk replies are Buffers (binary bodies intact)', async (t) => {
  const body = Buffer.from([0x00, 0x0d, 0x0a, 0xff, 0x4e, 0x2d]);
  const res = (await moPart(body, true)) as Buffer[];
  t.ok(res.every((x) => Buffer.isBuffer(x)));
  t.equal(res[0]!.toString(), 'complete');
  t.ok(res[1]!.equals(body));
});

t.test('after SCRIPT FLUSH (a restarted Redis), the call loads the script and succeeds', async (t) => {
  t.equal(((await moPart('before')) as string[])[1], 'before');
  await redis.script('FLUSH');
  t.equal(((await moPart('after')) as string[])[1], 'after');
  await redis.script('FLUSH');
  const res = (await moPart(Buffer.from('after, buffers'), true)) as Buffer[];
  t.ok(Buffer.isBuffer(res[1]) && res[1].toString() === 'after, buffers', 'Buffers too');
  const sha = createHash('sha1').update(scriptSource('mo-part')).digest('hex');
  t.same(await redis.script('EXISTS', sha), [1], 'the fallback left the script in the cache');
  t.equal(((await moPart('again')) as string[])[1], 'again', 'and the next call runs by EVALSHA again');
});

t.test('a script error is returned as the error, not retried', async (t) => {
  await t.rejects(runScript(redis, 'mo-part', 2, ['s:a', 's:b', 'not-a-number']), /^(?!NOSCRIPT)/);
});

t.test('a call before the connection is up waits in the offline queue', async (t) => {
  const r = createRedis({ url: srv.url, prefix: 's:' }, 'test-offline');
  t.teardown(() => r.disconnect());
  t.equal(r.status, 'wait');
  const res = (await runScript(r, 'mo-part', 2, moPartArgs('a|offline|1', 'queued'))) as string[];
  t.equal(res[1], 'queued');
});

t.test('a call unanswered when the connection drops is rejected', async (t) => {
  const r = createRedis({ url: srv.url, prefix: 's:' }, 'test-close');
  r.on('error', () => undefined);
  await r.connect();
  const pauser = createRedis({ url: srv.url, prefix: 's:' }, 'test-pause');
  await pauser.connect();
  await pauser.client('PAUSE', 30_000, 'ALL'); // Redis holds every other client's command
  const pending = runScript(r, 'lease', 5, ['s:lease:d1', 's:daemons', 's:daemons:seen', 's:daemons:left', 's:daemons:gen', 's:', 'd1', 'tok', 1000, 'renew'])
    .then(() => 'answered', (e: Error) => `rejected: ${e.message}`);
  await new Promise((res) => setTimeout(res, 100));
  await srv.stop();
  await srv.start();
  const outcome = await Promise.race([pending, new Promise<string>((res) => setTimeout(() => res('still hanging'), 5000))]);
  t.match(outcome, /^rejected: connection closed before the reply/);
  t.equal(await r.ping(), 'PONG');
  r.disconnect();
  pauser.disconnect();
});
