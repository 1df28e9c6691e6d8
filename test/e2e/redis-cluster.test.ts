import t from 'tap';
import { waitForEvents } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';
import { jobField } from '../helpers/job.js';

// A one-node Redis Cluster (every slot on it) and a hash-tagged prefix: every key in one slot.
const PREFIX = '{smppd}:';
const { redis, spawnDaemon } = await startStack(t, {
  daemon: false, prefix: PREFIX, redisArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'],
});
await redis.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
await until('the cluster is up', async () => String(await redis.call('CLUSTER', 'INFO')).includes('cluster_state:ok'), 10_000);

t.test('the daemon runs on a Redis Cluster node with a hash-tagged prefix: jobs are delivered', async (t) => {
  const daemon = spawnDaemon();
  await daemon.waitFor(/smppd running/);
  const jobs = [
    { id: 'c-otp', to: '13800138000', text: 'code 1234', class: 'otp' },
    { id: 'c-cucc', to: '+8613012345678', text: 'parcel on its way', class: 'transactional' },
  ];
  for (const j of jobs) await redis.xadd(`${PREFIX}jobs`, '*', 'job', JSON.stringify(j));
  await redis.xadd(`${PREFIX}jobs:priority`, '*', 'job', JSON.stringify({ id: 'c-prio', to: '13900139000', text: 'now', class: 'otp' }));
  const evs = await waitForEvents(redis, (e) => ['c-otp', 'c-cucc', 'c-prio'].every((id) => e.some((x) => x.id === id && x.state === 'delivered')),
    40_000, PREFIX);
  t.same(evs.filter((e) => e.id === 'c-otp').map((e) => e.state), ['submitted', 'delivered']);
  t.equal(await jobField(redis, `${PREFIX}job:c-cucc`, 'st'), 'delivered');
});
