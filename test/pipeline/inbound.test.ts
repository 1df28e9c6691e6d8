import t from 'tap';
import { createRedis } from '../../src/store/redis.js';
import { QueueStore, type ReceiptOutcome, type ReceiptRecord } from '../../src/store/queue-store.js';
import { InboundStore } from '../../src/store/inbound-store.js';
import { Batcher } from '../../src/pipeline/batcher.js';
import { Inbound } from '../../src/pipeline/inbound.js';
import { Metrics } from '../../src/obs/metrics.js';
import { silentLogger } from '../../src/obs/logger.js';
import type { InboundRequest } from '../../src/session/outcome.js';
import { encodePdu } from '../../src/smpp/pdu-codec.js';
import type { PreparedOk } from '../../src/types.js';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';
import { testCarrier, testConfig } from '../helpers/test-config.js';
import { jobOf } from '../helpers/prepared-job.js';
import { jobField } from '../helpers/job.js';

const srv = await startRedis({ aof: true }); // the outage test restarts it: the data must survive
const base = testConfig();
const cfg = { ...base, redis: { ...base.redis, url: srv.url, prefix: 'in:' } };
const redis = createRedis(cfg.redis, 'test', { maxRetriesPerRequest: 1 });
redis.on('error', () => { /* the outage test stops the server on purpose */ });
await redis.connect();
const store = new QueueStore(redis, cfg);
const metrics = new Metrics({ carriers: ['cmcc'], version: 'test', defaultMetrics: false });
const receipts = new Batcher<ReceiptRecord, ReceiptOutcome>((r) => store.receipts(r), { maxBatch: 100, retry: false, logger: silentLogger, name: 'receipts' });
const HOUR_MS = 3_600_000;
const inbound = new Inbound({
  inboundStore: new InboundStore(store, () => cfg), receipts, metrics, logger: silentLogger,
  countryCode: () => '86', optOutKeywords: () => ['TD', '退订'],
  now: () => Date.now() + HOUR_MS, // a daemon run with SMPPD_CLOCK_OFFSET_MS=3600000
});
const cmcc = testCarrier('cmcc', 1, [], { idFormat: 'decimal' });
await store.ensureGroup();
await store.recover('d1', 'tok', 'start');
t.teardown(async () => { receipts.close(); redis.disconnect(); await srv.stop(); removeRedisDir(srv); });

/** Encodes the PDU as an SMSC would send it, hands it to Inbound and resolves with the command_status it answered. */
function deliver(pdu: Record<string, unknown>): Promise<number> {
  const { command = 'deliver_sm', ...fields } = pdu;
  const frame = encodePdu(String(command), 1, fields);
  return new Promise((resolve) => {
    const req: InboundRequest = { frame, pdu: fields, command: String(command), respond: (s) => resolve(s) };
    inbound.handle(cmcc, cmcc.channels[0]!, req);
  });
}

async function submitted(id: string, msgIds: string[]): Promise<void> {
  const job: PreparedOk & { entryId: string } = {
    ok: true, id, to: '+8613800138000', from: 'x', carrier: 'cmcc', class: 'otp', parts: msgIds.map(() => Buffer.from('b')),
    fingerprint: '', sendAt: 0, expiresAt: 0, tz: 'Asia/Shanghai', quietHours: 'ignore', resend: false, entryId: `${Date.now()}-${id.length}`,
  };
  await store.ingest([job]);
  const claimed = await store.claim('d1', 'tok', 'cmcc', 10);
  await store.settle('d1', [{ act: 'ok', id, msgIds, job: jobOf(claimed, id) }]);
}

const metric = async (name: string): Promise<number> => {
  const m = (await metrics.registry.getMetricsAsJSON()).find((x) => x.name === name)!;
  return (m.values as { value: number }[]).reduce((n, v) => n + v.value, 0);
};

t.test('a data_sm receipt with TLVs only is matched through the carrier id format and timed', async (t) => {
  await submitted('ds', ['1a2b']); // the response said "1A2B"; the dispatcher stored its canonical form
  const status = await deliver({ command: 'data_sm', esm_class: 0x04, receipted_message_id: '6699', message_state: 2 });
  t.equal(status, 0, 'data_sm_resp OK once stored');
  t.equal(await jobField(redis, 'in:job:ds', 'st'), 'delivered');
  const hist = (await metrics.registry.getMetricsAsJSON()).find((x) => x.name === 'smppd_receipt_latency_seconds')!;
  t.ok((hist.values as { metricName?: string; value: number }[]).some((v) => v.metricName === 'smppd_receipt_latency_seconds_count' && v.value === 1), 'latency observed once');
});

t.test('a receipt for an unknown id is held and counted as held, answered OK', async (t) => {
  t.equal(await deliver({ esm_class: 0x04, short_message: 'id:12345 sub:001 dlvrd:001 stat:DELIVRD err:000 text:x' }), 0);
  t.equal(await metric('smppd_receipts_held_total'), 1);
  t.equal(await redis.zcard('in:{cmcc}:early:at'), 1);
});

t.test('garbage marked as a receipt does not crash, is kept in the orphans stream and counted', async (t) => {
  t.equal(await deliver({ esm_class: 0x04, short_message: 'zQx93 !!' }), 0);
  const [[, f]] = await redis.xrange('in:orphans', '-', '+');
  t.match(JSON.parse(f![1]!), { carrier: 'cmcc', reason: 'unreadable', text: 'zQx93 !!' });
  const orphans = (await metrics.registry.getMetricsAsJSON()).find((x) => x.name === 'smppd_receipt_orphans_total')!;
  t.ok((orphans.values as { labels: Record<string, string>; value: number }[]).some((v) => v.labels.reason === 'unreadable' && v.value === 1));
});

t.test('a concatenated MO (SAR TLVs) is joined, decoded by data_coding and opts its sender out', async (t) => {
  const part = (seq: number, text: string) => ({
    esm_class: 0, data_coding: 8, source_addr: '13900139000', destination_addr: '10690',
    short_message: Buffer.from(text, 'utf16le').swap16(), sar_msg_ref_num: 513, sar_total_segments: 2, sar_segment_seqnum: seq,
  });
  t.equal(await deliver(part(2, '订')), 0);
  t.equal(await redis.xlen('in:mo'), 0, 'nothing until every part is there');
  t.equal(await deliver(part(1, '退')), 0);
  const [[, f]] = await redis.xrange('in:mo', '-', '+');
  const mo = JSON.parse(f![1]!);
  t.match(mo, { from: '+8613900139000', to: '10690', text: '退订', carrier: 'cmcc', optedOut: true });
  t.ok(mo.at - Date.now() > HOUR_MS - 60_000, 'stamped with the daemon\'s clock, an hour ahead here');
  t.equal(await redis.sismember('in:optout', '+8613900139000'), 1);
});

t.test('stopSweep() during a sweep resolves once its script has answered, and no other script starts', async (t) => {
  const calls: string[] = [];
  let stopped: Promise<void> | undefined;
  class Counting extends InboundStore {
    override async sweepReceipts(carriers: string[]): ReturnType<InboundStore['sweepReceipts']> {
      calls.push('receipts');
      await Promise.resolve(); // the sweep under way, as the daemon's stop finds it
      stopped = sweeper.stopSweep().then(() => { calls.push('stopped'); });
      const res = await super.sweepReceipts(carriers);
      calls.push('receipts answered');
      return res;
    }
    override async sweepMo(carriers: string[]): ReturnType<InboundStore['sweepMo']> {
      calls.push('mo');
      return super.sweepMo(carriers);
    }
  }
  const sweeper = new Inbound({
    inboundStore: new Counting(store, () => cfg), receipts, metrics, logger: silentLogger,
    countryCode: () => '86', optOutKeywords: () => [],
  });
  await sweeper.sweep(['cmcc']);
  await stopped;
  t.same(calls, ['receipts', 'receipts answered', 'stopped'], 'stopped after the script in flight, and the MO sweep never began');
  await sweeper.sweep(['cmcc']);
  t.same(calls, ['receipts', 'receipts answered', 'stopped'], 'a sweep asked for after stopSweep() does nothing');
});

t.test('while Redis is down a receipt is answered ESME_RSYSERR so the SMSC sends it again', async (t) => {
  await submitted('down', ['ff']);
  await srv.stop();
  t.equal(await deliver({ esm_class: 0x04, receipted_message_id: '255', message_state: 2 }), 0x08);
  t.equal(await deliver({ esm_class: 0, source_addr: '13900139001', short_message: 'hi' }), 0x08, 'an MO too');
  await srv.start();
  for (let i = 0; i < 100 && redis.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 50));
  t.equal(await deliver({ esm_class: 0x04, receipted_message_id: '255', message_state: 2 }), 0, 'the resend is stored');
  t.equal(await jobField(redis, 'in:job:down', 'st'), 'delivered');
});
