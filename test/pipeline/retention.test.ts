import t from 'tap';
import pino from 'pino';
import { Retention, trimEveryMs } from '../../src/pipeline/retention.js';
import { StreamTrim } from '../../src/store/stream-trim.js';
import { createRedis } from '../../src/store/redis.js';
import { startStore } from '../helpers/store.js';

const { redis, store, cfg } = await startStore(t, { prefix: 'rt:' });

t.test('the trim runs every quarter of the shorter retention, between 1 s and 60 s', async (t) => {
  t.equal(trimEveryMs({ jobStreamMs: 3_600_000, outStreamMs: 259_200_000 }), 60_000, 'the defaults: once a minute');
  t.equal(trimEveryMs({ jobStreamMs: 3_600_000, outStreamMs: 100_000 }), 25_000);
  t.equal(trimEveryMs({ jobStreamMs: 1000, outStreamMs: 1000 }), 1000);
});

t.test('one run at a time; a run that fails leaves everything, and a later run trims', async (t) => {
  const retention = new Retention({
    trim: new StreamTrim(redis, store.keys), ages: () => ({ jobStreamMs: 1000, outStreamMs: 1000 }), logger: pino({ level: 'silent' }),
  });
  await redis.xadd('rt:events', '1000-0', 'event', '{}');
  const [a, b] = await Promise.all([retention.run(), retention.run()]);
  t.match(a.find((r) => r.stream === 'rt:events'), { trimmed: 1 });
  t.same(b, [], 'the second call while the first runs does nothing');

  const closed = createRedis(cfg.redis, 'closed');
  await closed.connect();
  closed.disconnect();
  const lines: string[] = [];
  const failing = new Retention({
    trim: new StreamTrim(closed, store.keys), ages: () => ({ jobStreamMs: 1000, outStreamMs: 1000 }),
    logger: pino({ level: 'warn' }, { write: (l: string) => { lines.push(l); } }),
  });
  await redis.xadd('rt:mo', '1000-0', 'mo', '{}');
  t.same(await failing.run(), [], 'Redis away: nothing trimmed, no throw');
  t.match(lines.join(''), /stream trim failed; next run retries/);
  t.equal(await redis.xlen('rt:mo'), 1);
  t.match((await retention.run()).find((r) => r.stream === 'rt:mo'), { trimmed: 1 }, 'the next run trims');
});

t.test('stop() resolves once the run going on has finished, and no run starts after it', async (t) => {
  const retention = new Retention({
    trim: new StreamTrim(redis, store.keys), ages: () => ({ jobStreamMs: 1000, outStreamMs: 1000 }), logger: pino({ level: 'silent' }),
  });
  await redis.xadd('rt:orphans', '1000-0', 'r', '{}');
  let finished = false;
  const run = retention.run().then((r) => { finished = true; return r; });
  await retention.stop();
  t.ok(finished, 'the run in flight had finished when stop() resolved');
  t.match((await run).find((r) => r.stream === 'rt:orphans'), { trimmed: 1 });
  await redis.xadd('rt:orphans', '1001-0', 'r', '{}');
  t.same(await retention.run(), [], 'a run asked for after stop() does nothing');
  t.equal(await redis.xlen('rt:orphans'), 1, 'and trims nothing');
});
