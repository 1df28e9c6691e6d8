import t from 'tap';
import { threadId } from 'node:worker_threads';
import pino from 'pino';
import { PreparePool } from '../../src/prepare/pool.js';
import { buildPrepareContext, prepareJob } from '../../src/prepare/prepare.js';
import type { RawJob } from '../../src/types.js';
import { testConfig } from '../helpers/test-config.js';
import { twoChannelCarrier } from '../helpers/two-channels.js';

const raws = (n: number): RawJob[] =>
  Array.from({ length: n }, (_, i) => ({
    entryId: `1700000000000-${i}`,
    payload: JSON.stringify({ to: `1380013${String(8000 + i).padStart(4, '0')}`, text: i % 2 ? 'Code 1234' : '您的验证码是1234' }),
  }));

t.test('the pool prepares a batch through real worker threads, in order', async (t) => {
  const pool = new PreparePool(testConfig({ pool: { threads: 2, batchSize: 50 } }));
  t.teardown(() => pool.close());
  const out = await pool.prepare(raws(120));
  t.equal(out.length, 120);
  t.ok(out.every((p) => p.ok), 'all accepted');
  t.same(out.slice(0, 3).map((p) => p.id), ['1700000000000-0', '1700000000000-1', '1700000000000-2']);
  const first = out[0];
  t.ok(first.ok && first.parts[0] instanceof Uint8Array && first.parts[0].length > 30, 'parts come back as octets');
  t.ok(pool.utilization() >= 0 && pool.utilization() <= 1);
  t.equal(threadId, 0, 'the test itself runs on the main thread');
});

t.test('a job prepared on a worker thread for a two-channel carrier comes back with every channel\'s bodies', async (t) => {
  const cfg = testConfig({ carriers: [twoChannelCarrier()], routing: { countryCode: '86', default: 'cmcc' } });
  const pool = new PreparePool(cfg, { threads: 1 });
  t.teardown(() => pool.close());
  const [p] = await pool.prepare(raws(1));
  const inline = prepareJob(raws(1)[0]!, buildPrepareContext(cfg), Date.now());
  t.ok(p?.ok && inline.ok);
  if (!p?.ok || !inline.ok) return;
  t.same(p.channels, [{ names: ['cmcc-cmpp'], form: 0x30 }, { names: ['cmcc-smpp'], form: 0x34 }], 'the channels of each run of bodies');
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  t.equal(p.parts.length, 2, 'one CMPP and one SMPP body');
  t.same(p.parts.map(hex), inline.parts.map(hex), 'moved whole, byte for byte');
});

t.test('overrides route ported numbers inside the worker', async (t) => {
  const pool = new PreparePool(testConfig(), { threads: 1 });
  t.teardown(() => pool.close());
  const [p] = await pool.prepare(raws(1), { '+8613800138000': 'ctcc' });
  t.equal(p.ok && p.carrier, 'ctcc');
});

t.test('reconfigure swaps the config; close is idempotent and refuses later work', async (t) => {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => { lines.push(l); } });
  const cfg = testConfig();
  const pool = new PreparePool(cfg, { threads: 1, logger });
  const before = await pool.prepare(raws(1));
  t.equal(before[0].ok && before[0].from, '10690000');
  // A reload that changes nothing the threads prepare with keeps them, and says nothing about it.
  t.equal(await pool.reconfigure(testConfig()), false, 'the same config: the same threads');
  t.equal(await pool.reconfigure({ ...cfg, pool: { threads: 1, batchSize: 10 }, queue: { ...cfg.queue, claimBatch: 3 } }), false, 'batchSize and fields prepare does not read: the same threads');
  t.same(lines.filter((l) => l.includes('reconfigured')), [], 'no "reconfigured" line');
  t.equal(await pool.reconfigure(testConfig({ text: { signature: '', optOutLine: '回复TD退订', defaultFrom: '10691111' } })), true, 'new threads for a new text config');
  t.equal(lines.filter((l) => l.includes('reconfigured')).length, 1);
  const after = await pool.prepare(raws(1));
  t.equal(after[0].ok && after[0].from, '10691111');
  const c1 = pool.close();
  t.equal(pool.close(), c1, 'the same promise');
  await c1;
  await t.rejects(pool.prepare(raws(1)), /closed/);
});

t.test('octets from the pool equal those prepared inline, rejects included', async (t) => {
  const cfg = testConfig();
  const pool = new PreparePool(cfg, { threads: 1 });
  t.teardown(() => pool.close());
  const batch = [...raws(5), { entryId: '1700000000000-9', payload: '{bad' }];
  const viaPool = await pool.prepare(batch);
  const ctx = buildPrepareContext(cfg);
  const now = Date.now();
  const inline = batch.map((r) => prepareJob(r, ctx, now));
  const hexes = (ps: typeof inline) => ps.map((p) => (p.ok ? p.parts.map((x) => Buffer.from(x).toString('hex')) : p.code));
  t.same(hexes(viaPool), hexes(inline));
  t.equal(viaPool[5].ok, false);
});
