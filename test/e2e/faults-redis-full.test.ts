import t from 'tap';
import { waitForEvents } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';

t.test('a full Redis under noeviction refuses the daemon\'s writes; once it has room every job is sent, each once', async (t) => {
  const { redis, sim, daemon } = await startStack(t, { carriers: ['cmcc'], aof: true });
  await redis.config('SET', 'maxmemory-policy', 'noeviction');
  // The daemon paused while the jobs go in, then Redis full to the byte: its first write for them is refused.
  daemon.kill('SIGSTOP');
  const p = redis.pipeline();
  for (let i = 0; i < 200; i++) {
    p.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: `full-${i}`, to: `1380013${String(i).padStart(4, '0')}`, text: `when full ${i}` }));
  }
  const pushed = ((await p.exec()) ?? []).filter(([err]) => err === null).length;
  const used = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
  await redis.config('SET', 'maxmemory', String(used));
  daemon.kill('SIGCONT');
  await daemon.waitFor(/OOM/);
  t.pass(`the daemon logged a refused write (${pushed} jobs pushed)`);
  t.equal(daemon.child.exitCode, null, 'the daemon is still running');
  await redis.config('SET', 'maxmemory', '0');
  await waitForEvents(redis, (e) => e.filter((x) => x.id.startsWith('full-') && x.state === 'delivered').length === pushed);
  const texts = sim.submits.filter((s) => s.text.startsWith('when full ')).map((s) => s.text);
  t.equal(texts.length, pushed, 'every job pushed was sent');
  t.equal(new Set(texts).size, pushed, 'none twice');
});
