import t from 'tap';
import { createRedis } from '../../src/store/redis.js';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';

const srv = await startRedis();
t.teardown(async () => {
  await srv.stop();
  removeRedisDir(srv);
});

t.test('a command unanswered when the connection drops is rejected, not left hanging after the reconnect', async (t) => {
  const r = createRedis({ url: srv.url, prefix: 'x:' }, 'test');
  r.on('error', () => undefined);
  await r.connect();
  // On the wire, no answer for 30 s; the handler is attached at once (the rejection comes mid-restart).
  const blocked = r.blpop('never-filled', 30).then(() => 'answered', (e: Error) => `rejected: ${e.message}`);
  await new Promise((res) => setTimeout(res, 100));
  await srv.stop();
  await srv.start();
  const outcome = await Promise.race([
    blocked,
    new Promise<string>((res) => setTimeout(() => res('still hanging'), 5000)),
  ]);
  t.match(outcome, /^rejected: connection closed before the reply/);
  t.equal(await r.ping(), 'PONG', 'the client works again after the reconnect');
  r.disconnect();
});
