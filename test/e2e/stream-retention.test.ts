/**
 * The daemon keeps every stream within retention by Redis's clock: a job stream entry goes once stored
 * and past queue.streamRetentionMs, events, MO and orphans entries once past queue.retentionMs. Entries
 * added with ids from 1970 (`1000-0`) are old by Redis's clock; the daemon's own clock is moved 5 days
 * ahead, past the 3-day retention, so trimming by it would take what it has just written.
 */
import t from 'tap';
import { waitForEvents } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

const DAY_MS = 86_400_000;
const { redis, spawnDaemon } = await startStack(t, {
  carriers: ['cmcc'],
  daemon: false,
  // A short stream retention makes the trim run every second (a quarter of it, at least 1 s).
  extra: { queue: { streamRetentionMs: 4000 } },
});

const ids = async (stream: string): Promise<string[]> => (await redis.xrange(stream, '-', '+')).map(([id]) => id);
const job = (id: string, to: string): string => JSON.stringify({ id, to, text: `retention ${id}` });

t.test('old entries go, the daemon’s fresh ones stay, whatever the daemon’s clock says', async (t) => {
  await redis.xadd('smppd:jobs', '1000-0', 'job', job('ancient-job', '13800138000'));
  await redis.xadd('smppd:events', '1000-0', 'event', JSON.stringify({ id: 'ancient', state: 'delivered', at: 1000 }));
  await redis.xadd('smppd:mo', '1000-0', 'mo', JSON.stringify({ from: '8613800138001', to: '10690000', text: 'TD', at: 1000 }));
  await redis.xadd('smppd:orphans', '1000-0', 'orphan', JSON.stringify({ carrier: 'cmcc', messageId: '1', at: 1000 }));

  const d = spawnDaemon({ env: { SMPPD_CLOCK_OFFSET_MS: String(5 * DAY_MS) } });
  await d.waitFor(/smppd running/);
  const first = await waitForEvents(redis, (e) => e.some((x) => x.id === 'ancient-job' && x.state === 'delivered'));
  t.same(first.filter((e) => e.id === 'ancient-job').map((e) => e.state), ['submitted', 'delivered'], 'the old entry’s job is sent first');

  await until('the stored old job entry and the old events, MO and orphans trimmed', async () => {
    for (const s of ['jobs', 'events', 'mo', 'orphans']) if ((await ids(`smppd:${s}`)).includes('1000-0')) return false;
    return true;
  });
  t.equal(await redis.xlen('smppd:mo'), 0);
  t.equal(await redis.xlen('smppd:orphans'), 0);

  // A job pushed now: once its entry has been trimmed (4 s by Redis's clock), trims have run after
  // every event written before it.
  const before = await redis.xrange('smppd:events', '-', '+');
  const fresh = await redis.xadd('smppd:jobs', '*', 'job', job('fresh-job', '13800138002'));
  await waitForEvents(redis, (e) => e.some((x) => x.id === 'fresh-job' && x.state === 'delivered'));
  await until('the fresh job entry trimmed once stored and 4 s old by Redis', async () => !(await ids('smppd:jobs')).includes(fresh!));
  const after = await ids('smppd:events');
  t.ok(before.length >= 2, `${before.length} events of this run before the fresh job`);
  for (const [id] of before) t.ok(after.includes(id), `event ${id} written by the daemon is kept (3-day retention by Redis's clock)`);
  t.same(await redis.xpending('smppd:jobs', 'smppd'), [0, null, null, null], 'nothing read is left unstored');
  d.kill('SIGTERM');
  await d.exited;
});
