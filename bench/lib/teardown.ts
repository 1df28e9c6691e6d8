/** The end of every bench section: the daemon, the sink, the client, the private redis-server, in that order. */
import { removeRedisDir, type TestRedis } from '../../test/helpers/redis-server.js';

export async function teardown(p: {
  smppd?: { stop(): Promise<unknown> }; sink: { close(): Promise<unknown> }; redis: { disconnect(): void }; srv: TestRedis;
}): Promise<void> {
  await p.smppd?.stop();
  await p.sink.close();
  p.redis.disconnect();
  await p.srv.stop();
  removeRedisDir(p.srv);
}
