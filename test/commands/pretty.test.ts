import t from 'tap';
import { startSimulator } from '../../src/sim/index.js';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';
import { spawnSmppd, writeConfig } from '../helpers/daemon.js';

t.test('run --pretty prints lines for humans instead of JSON and still stops cleanly', async (t) => {
  const srv = await startRedis();
  const sim = await startSimulator({ carriers: [{ name: 'cmcc', port: 0 }] });
  t.teardown(async () => { await sim.close(); await srv.stop(); removeRedisDir(srv); });
  const config = writeConfig({ redisUrl: srv.url, ports: sim.ports });
  const d = spawnSmppd(['run', '--config', config, '--pretty']);
  t.teardown(async () => { d.kill('SIGKILL'); await d.exited; });
  await d.waitFor(/smppd running/);
  d.kill('SIGTERM');
  t.equal((await d.exited).code, 0);
  const lines = d.output().split('\n').filter((l) => l.trim() !== '');
  t.ok(lines.length > 5);
  t.notOk(lines.some((l) => l.startsWith('{')), 'no JSON lines');
  t.match(d.output(), /INFO.*smppd running/);
  t.match(d.output(), /stopped/, 'the last lines were flushed before exit');
});
