import t from 'tap';
import { buildConfig } from '../../src/config/schema.js';
import { DeadLetters } from '../../src/store/dead-letters.js';
import { InboundStore } from '../../src/store/inbound-store.js';
import { QueueStore } from '../../src/store/queue-store.js';
import { createRedis } from '../../src/store/redis.js';
import { jobOf, preparedJob } from '../helpers/prepared-job.js';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';
import { until } from '../helpers/until.js';
import { jobField } from '../helpers/job.js';

// A Redis Cluster of one node that owns every slot: Redis checks what a cluster checks (a script's KEYS
// in one slot, CROSSSLOT otherwise), on one process.
const srv = await startRedis({ args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'] });
const admin = createRedis({ url: srv.url, prefix: '' }, 'test-admin');
t.teardown(async () => { admin.disconnect(); await srv.stop(); removeRedisDir(srv); });
await admin.connect();
await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
await until('the cluster is up', async () => String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'), 10_000);

let clock = 1_700_000_000_000;
function stores(prefix: string) {
  const cfg = buildConfig({
    redis: { url: srv.url, prefix }, carriers: [{ name: 'cmcc', host: '127.0.0.1', systemId: 'x' }],
    queue: { maxAttempts: 1, earlyReceiptMs: 1000, moPartialMs: 1000 },
  });
  const redis = createRedis(cfg.redis, 'test');
  t.teardown(() => redis.disconnect());
  const store = new QueueStore(redis, cfg, () => clock);
  return { redis, store, inbound: new InboundStore(store, () => cfg, () => clock), dead: new DeadLetters(redis, prefix, () => clock) };
}

t.test('with a hash-tagged prefix every script runs on a cluster: all of a namespace\'s keys are in one slot', async (t) => {
  const { redis, store, inbound, dead } = stores('{smppd}:');
  await redis.connect();
  await store.ensureGroup();
  t.match(await store.recover('d1', 'tok', 'start'), { kind: 'recovered' });
  t.same(await store.ingest([preparedJob('a'), preparedJob('b', 2)]), ['queued', 'queued']);
  t.same(await store.ingest([preparedJob('p')], store.keys.jobsPriority), ['queued'], 'from the priority stream too');
  const claimed = await store.claim('d1', 'tok', 'cmcc', 10);
  t.same(claimed === 'lease-lost' ? [] : claimed.map((c) => c.id).sort(), ['a', 'b', 'p']);
  t.same(await store.settle('d1', [
    { act: 'ok', id: 'a', msgIds: ['m-a'], job: jobOf(claimed, 'a') },
    { act: 'retry', id: 'b', code: 'SMSC_TRANSIENT', error: 'x' },
    { act: 'ok', id: 'p', msgIds: ['m-p'], job: jobOf(claimed, 'p') },
  ]), ['submitted', 'failed', 'submitted']);
  t.same(await store.receipts([{ carrier: 'cmcc', messageId: 'm-a', stat: 'DELIVRD', err: '000' },
    { carrier: 'cmcc', messageId: 'm-early', stat: 'DELIVRD', err: '000' }]), [{ status: 'final', latencyMs: 0 }, { status: 'held' }]);
  clock += 2000;
  t.same(await inbound.sweepReceipts(['cmcc']), [{ carrier: 'cmcc', orphaned: 1, applied: 0 }]);
  t.same(await inbound.sweepUnconfirmed(['cmcc']), [{ carrier: 'cmcc', ended: 0, more: false }]);
  const part = { carrier: 'cmcc', from: '+8613900000001', to: '10690', ref: 1, total: 2, seq: 1, text: 'A' };
  t.same(await inbound.moPart(part), { status: 'wait' });
  clock += 2000;
  t.same(await inbound.sweepMo(['cmcc']), ['cmcc']);
  t.same(await dead.retry(['b']), [{ id: 'b', newId: 'b:r1' }]);
  t.equal(await dead.purge(['b']), 0, 'revived: no longer a dead letter');
  t.match(await store.renewLease('d1', 'tok', 1, 0), { held: true, liveDaemons: 1 });
  t.match(await store.recover('d1', 'tok', 'peers'), { kind: 'recovered' });
  t.equal(await store.releaseLease('d1', 'tok', 1000), 1);
  t.equal(await jobField(redis, '{smppd}:job:a', 'st'), 'delivered', 'key names as keys.ts gives them');
});

t.test('without a hash tag in the prefix a cluster refuses a script whose keys span slots', async (t) => {
  const { redis, store } = stores('plain:');
  await redis.connect();
  await t.rejects(store.recover('d1', 'tok', 'start'), /CROSSSLOT/);
});
