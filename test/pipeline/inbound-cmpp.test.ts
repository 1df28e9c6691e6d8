import t from 'tap';
import { createRedis } from '../../src/store/redis.js';
import { QueueStore, type ReceiptOutcome, type ReceiptRecord } from '../../src/store/queue-store.js';
import { InboundStore } from '../../src/store/inbound-store.js';
import { Batcher } from '../../src/pipeline/batcher.js';
import { Inbound } from '../../src/pipeline/inbound.js';
import { receiptKey } from '../../src/pipeline/receipt-ids.js';
import { Metrics } from '../../src/obs/metrics.js';
import { silentLogger } from '../../src/obs/logger.js';
import type { ChannelConfig } from '../../src/config/types.js';
import { decodeCmpp } from '../../src/cmpp/codec.js';
import { CmppCommand, MsgFmt, type CmppVersion } from '../../src/cmpp/constants.js';
import { encodeDeliver, encodeReport } from '../../src/cmpp/deliver.js';
import { serveCmppRequest } from '../../src/cmpp/inbound.js';
import { msgIdFromDecimal } from '../../src/cmpp/msg-id.js';
import type { InboundRequest } from '../../src/session/outcome.js';
import { encodePdu } from '../../src/smpp/pdu-codec.js';
import { removeRedisDir, startRedis } from '../helpers/redis-server.js';
import { testCarrier, testConfig } from '../helpers/test-config.js';
import { preparedJob, jobOf } from '../helpers/prepared-job.js';
import { until } from '../helpers/until.js';
import { CmppSession } from '../../src/cmpp/session.js';
import { submitBody } from '../../src/cmpp/submit.js';
import { startSimulator } from '../../src/sim/index.js';
import { jobField } from '../helpers/job.js';

const srv = await startRedis({ aof: true }); // the outage test restarts it: the data must survive
const base = testConfig();
// Held reports become orphans at the first sweep after 1 ms: the orphan test sweeps on purpose.
const cfg = { ...base, redis: { ...base.redis, url: srv.url, prefix: 'ic:' }, queue: { ...base.queue, earlyReceiptMs: 1 } };
const redis = createRedis(cfg.redis, 'test', { maxRetriesPerRequest: 1 });
redis.on('error', () => { /* the outage test stops the server on purpose */ });
await redis.connect();
const store = new QueueStore(redis, cfg);
const metrics = new Metrics({ carriers: ['cmcc'], version: 'test', defaultMetrics: false });
const receipts = new Batcher<ReceiptRecord, ReceiptOutcome>((r) => store.receipts(r), { maxBatch: 100, retry: false, logger: silentLogger, name: 'receipts' });
const inbound = new Inbound({
  inboundStore: new InboundStore(store, () => cfg), receipts, metrics, logger: silentLogger,
  countryCode: () => '86', optOutKeywords: () => ['TD', '退订'],
});
const carrier = testCarrier('cmcc', 1, []);
/** The carrier's own channel (named as the carrier), speaking CMPP; and a second CMPP channel of the same carrier. */
const own: ChannelConfig = { ...carrier.channels[0], protocol: 'cmpp' };
const second: ChannelConfig = { ...own, name: 'cmcc-b', priority: 2 };
const smppOwn = carrier.channels[0];
await store.ensureGroup();
await store.recover('d1', 'tok', 'start');
t.teardown(async () => { receipts.close(); redis.disconnect(); await srv.stop(); removeRedisDir(srv); });

let deliverSeq = 1;

/**
 * Serves `frame` as a CMPP session does (src/cmpp/inbound.ts) on `channel`; resolves with the DELIVER_RESP's
 * Result and, given `watchJob`, that job's state in Redis read as the answer was written.
 */
function deliver(v: CmppVersion, channel: ChannelConfig, frame: Buffer, watchJob?: string): Promise<{ result: number; stateAtAnswer?: string | null }> {
  const d = decodeCmpp(frame, v);
  if (!d.ok) throw new Error(d.reason);
  return new Promise((resolve, reject) => {
    serveCmppRequest(v, frame, d.pdu, {
      write: (buf) => {
        const r = decodeCmpp(buf, v);
        if (!r.ok || r.pdu.command !== 'deliver_resp') { reject(new Error('not a DELIVER_RESP')); return; }
        const result = r.pdu.body.result;
        // Asked as the answer is written: what Redis holds by then, read after everything sent before it.
        if (watchJob) jobField(redis, `ic:job:${watchJob}`, 'st').then((s) => resolve({ result, stateAtAnswer: s }), reject);
        else resolve({ result });
      },
      loggedOut: () => reject(new Error('logged out')),
      deliver: (req: InboundRequest) => { inbound.handle(carrier, channel, req); return true; },
      fail: (why) => reject(new Error(why)),
      warn: () => {},
    });
  });
}

function reportFrame(v: CmppVersion, msgId: string, stat: string): Buffer {
  const content = encodeReport(v, msgIdFromDecimal(msgId)!, {
    stat, submitTime: '2612021200', doneTime: '2612021201', destTerminalId: '13800138000', smscSequence: 7,
  });
  return deliverFrame(v, { registeredDelivery: 1, content });
}

function deliverFrame(v: CmppVersion, over: Partial<Parameters<typeof encodeDeliver>[2]>): Buffer {
  return encodeDeliver(v, deliverSeq++, {
    msgId: msgIdFromDecimal(String(9_000_000 + deliverSeq))!, destId: '1069000', serviceId: '', tpPid: 0, tpUdhi: 0,
    msgFmt: MsgFmt.ascii, srcTerminalId: '13900139000', srcTerminalType: 0, registeredDelivery: 0, content: Buffer.alloc(0),
    linkId: '', ...over,
  });
}

/** A job submitted with the parts' mapping written under `keys` (what the dispatcher's normaliseId gave). */
async function submitted(id: string, keys: string[]): Promise<void> {
  await store.ingest([preparedJob(id, keys.length)]);
  const claimed = await store.claim('d1', 'tok', 'cmcc', 10);
  await store.settle('d1', [{ act: 'ok', id, msgIds: keys, job: jobOf(claimed, id) }]);
}

const ucs2 = (s: string): Buffer => Buffer.from(s, 'utf16le').swap16();

async function lastMo(): Promise<Record<string, unknown>> {
  const [[, f]] = await redis.xrevrange('ic:mo', '+', '-', 'COUNT', 1);
  return JSON.parse(f![1]!);
}

for (const v of ['3.0', '2.0'] as const) {
  t.test(`a CMPP ${v} status report matches the part it names and ends the job; DELIVER_RESP 0 goes once Redis has it`, async (t) => {
    const id = v === '3.0' ? '1234567890123456789' : '98765432101';
    const job = `r${v}`;
    await submitted(job, [receiptKey('cmcc', own, id, 'response')]);
    const { result, stateAtAnswer } = await deliver(v, own, reportFrame(v, id, 'DELIVRD'), job);
    t.equal(result, 0, 'Result 0');
    t.equal(stateAtAnswer, 'delivered', 'the job had ended in Redis when the answer was written');
  });
}

t.test('an ISMG code (MK:0001) ends a part undeliverable with the code as its error', async (t) => {
  await submitted('mk', [receiptKey('cmcc', own, '5550001', 'response')]);
  t.equal((await deliver('3.0', own, reportFrame('3.0', '5550001', 'MK:0001'))).result, 0);
  t.equal(await jobField(redis, 'ic:job:mk', 'st'), 'undeliverable');
  const events = await redis.xrange('ic:events', '-', '+');
  const ev = events.map(([, f]) => JSON.parse(f[1]!)).find((e) => e.id === 'mk' && e.state === 'undeliverable');
  t.match(ev, { partStates: ['UNDELIV'], receiptError: 'MK:0001' });
});

t.test('a report that comes before its mapping is held, then ends the job when the submit is settled', async (t) => {
  t.equal((await deliver('3.0', own, reportFrame('3.0', '5550002', 'DELIVRD'))).result, 0, 'answered: Redis holds it');
  t.equal(await redis.hexists('ic:{cmcc}:early', '5550002'), 1, 'held in the early hash');
  await submitted('early', [receiptKey('cmcc', own, '5550002', 'response')]);
  t.equal(await jobField(redis, 'ic:job:early', 'st'), 'delivered');
});

t.test('a report that never finds its part goes to the orphans stream', async (t) => {
  t.equal((await deliver('2.0', own, reportFrame('2.0', '5550003', 'UNDELIV'))).result, 0);
  await until('the sweep orphans it', async () => {
    await inbound.sweep(['cmcc']);
    const orphans = await redis.xrange('ic:orphans', '-', '+');
    return orphans.some(([, f]) => JSON.parse(f[1]!).messageId === '5550003');
  });
  const orphans = await redis.xrange('ic:orphans', '-', '+');
  t.match(orphans.map(([, f]) => JSON.parse(f[1]!)).find((o) => o.messageId === '5550003'), { carrier: 'cmcc', stat: 'UNDELIV', reason: 'unmatched' });
});

t.test('two channels of one carrier that hand out the same id do not match each other\'s parts', async (t) => {
  await submitted('on-own', [receiptKey('cmcc', smppOwn, '4242', 'response')]);
  await submitted('on-b', [receiptKey('cmcc', second, '4242', 'response')]);
  t.equal((await deliver('3.0', second, reportFrame('3.0', '4242', 'DELIVRD'))).result, 0);
  t.equal(await jobField(redis, 'ic:job:on-b', 'st'), 'delivered', 'the second channel\'s part');
  t.equal(await jobField(redis, 'ic:job:on-own', 'st'), 'submitted', 'not the other channel\'s part with the same id');
  const status = await new Promise<number>((resolve) => {
    const frame = encodePdu('deliver_sm', 1, { esm_class: 0x04, short_message: 'id:4242 sub:001 dlvrd:001 stat:DELIVRD err:000 text:x' });
    inbound.handle(carrier, smppOwn, { frame, pdu: {}, command: 'deliver_sm', respond: resolve });
  });
  t.equal(status, 0);
  t.equal(await jobField(redis, 'ic:job:on-own', 'st'), 'delivered', 'the SMPP receipt on the carrier\'s own channel matches its own part');
});

t.test('a channel named as its carrier matches a mapping written the old way (the bare id)', async (t) => {
  await submitted('old', ['777000']); // as a version before channels stored it
  t.equal((await deliver('3.0', own, reportFrame('3.0', '777000', 'DELIVRD'))).result, 0);
  t.equal(await jobField(redis, 'ic:job:old', 'st'), 'delivered');
});

t.test('a status report whose content is not the version\'s report is refused with Result 4 and not stored', async (t) => {
  const before = await redis.xlen('ic:orphans');
  const frame = deliverFrame('3.0', { registeredDelivery: 1, content: Buffer.from('DELIVRD') });
  t.equal((await deliver('3.0', own, frame)).result, 4);
  t.equal(await redis.xlen('ic:orphans'), before, 'nothing stored');
});

t.test('MOs in ASCII, UCS2 and GBK are decoded by Msg_Fmt, from Src_terminal_Id to Dest_Id, naming carrier and channel', async (t) => {
  t.equal((await deliver('3.0', own, deliverFrame('3.0', { msgFmt: MsgFmt.ascii, content: Buffer.from('hello') }))).result, 0);
  t.match(await lastMo(), { from: '+8613900139000', to: '1069000', text: 'hello', carrier: 'cmcc', channel: 'cmcc', optedOut: false });
  t.equal((await deliver('2.0', second, deliverFrame('2.0', { msgFmt: MsgFmt.ucs2, content: ucs2('你好 😀') }))).result, 0);
  t.match(await lastMo(), { text: '你好 😀', channel: 'cmcc-b' });
  const gbk = Buffer.from('c4e3bac3a3accac0bde7', 'hex'); // "你好，世界" in GBK
  t.equal((await deliver('3.0', own, deliverFrame('3.0', { msgFmt: MsgFmt.gbk, content: gbk }))).result, 0);
  t.match(await lastMo(), { text: '你好，世界' });
});

t.test('a two-part UCS2 MO (TP_udhi 1) is reassembled before it reaches the MO stream', async (t) => {
  const part = (seq: number, text: string) => deliverFrame('3.0', {
    msgFmt: MsgFmt.ucs2, tpUdhi: 1, srcTerminalId: '13900139002', content: Buffer.concat([Buffer.from([5, 0, 3, 0x2a, 2, seq]), ucs2(text)]),
  });
  const before = await redis.xlen('ic:mo');
  t.equal((await deliver('3.0', own, part(2, '的第二部分'))).result, 0);
  t.equal(await redis.xlen('ic:mo'), before, 'nothing until every part is there');
  t.equal((await deliver('3.0', own, part(1, '长短信'))).result, 0);
  t.match(await lastMo(), { from: '+8613900139002', text: '长短信的第二部分' });
});

t.test('"退订" opts the sender out (in GBK too)', async (t) => {
  const tuiDing = Buffer.from('cdcbb6a9', 'hex'); // "退订" in GBK
  t.equal((await deliver('2.0', own, deliverFrame('2.0', { msgFmt: MsgFmt.gbk, srcTerminalId: '8613900139003', content: tuiDing }))).result, 0);
  t.match(await lastMo(), { from: '+8613900139003', text: '退订', optedOut: true });
  t.equal(await redis.sismember('ic:optout', '+8613900139003'), 1);
});

t.test('while Redis is down a report and an MO are answered Result 8 so the ISMG delivers them again', async (t) => {
  await submitted('down', [receiptKey('cmcc', own, '5550009', 'response')]);
  await srv.stop();
  t.equal((await deliver('3.0', own, reportFrame('3.0', '5550009', 'DELIVRD'))).result, 8);
  t.equal((await deliver('3.0', own, deliverFrame('3.0', { content: Buffer.from('hi') }))).result, 8, 'an MO too');
  await srv.start();
  await until('Redis is back', () => redis.status === 'ready');
  t.equal((await deliver('3.0', own, reportFrame('3.0', '5550009', 'DELIVRD'))).result, 0, 'the resend is stored');
  t.equal(await jobField(redis, 'ic:job:down', 'st'), 'delivered');
});

t.test('over a real CMPP 3.0 session, the simulated ISMG\'s status report ends the job and its long UCS2 MO arrives whole', async (t) => {
  const sim = await startSimulator({ carriers: [{ name: 'cmcc', port: 0, protocol: 'cmpp', version: '3.0', spId: '901234', secret: 's3cret' }] });
  const session = new CmppSession({
    host: '127.0.0.1', port: sim.ports.cmcc, version: '3.0', spId: '901234', sharedSecret: 's3cret', windowSize: 4,
    responseTimeoutMs: 5000, activeTestMs: 30_000, connectTimeoutMs: 10_000,
  });
  session.on('deliver', (req: InboundRequest) => inbound.handle(carrier, own, req));
  t.teardown(async () => { await session.close(); await sim.close(); });
  await session.open();
  await store.ingest([preparedJob('wire')]);
  const claimed = await store.claim('d1', 'tok', 'cmcc', 10);
  const out = await session.request(CmppCommand.submit, submitBody('3.0', {
    msgId: Buffer.alloc(8), pkTotal: 1, pkNumber: 1, registeredDelivery: 1, msgLevel: 0, serviceId: 'smppd',
    feeUserType: 2, feeTerminalId: '', feeTerminalType: 0, tpPid: 0, tpUdhi: 0, msgFmt: MsgFmt.ucs2, msgSrc: '901234',
    feeType: '01', feeCode: '000000', validTime: '', atTime: '', srcId: '1069000', destTerminalIds: ['13800138000'],
    destTerminalType: 0, content: ucs2('你好'), linkId: '',
  }));
  if (out.kind !== 'response') throw new Error(`submit: ${out.kind}`);
  t.equal(out.status, 0);
  // The report may come before this settle (then it is held and applied by it) or after.
  await store.settle('d1', [{ act: 'ok', id: 'wire', msgIds: [receiptKey('cmcc', own, out.pdu.message_id, 'response')], job: jobOf(claimed, 'wire') }]);
  await until('the report ends the job', async () => (await jobField(redis, 'ic:job:wire', 'st')) === 'delivered');
  const text = '这是一条从手机发来的很长的中文短信，'.repeat(5); // 90 characters: two UCS2 parts
  await sim.sendMo('cmcc', { from: '13900139005', to: '1069000', text });
  t.match(await lastMo(), { from: '+8613900139005', to: '1069000', text, carrier: 'cmcc', channel: 'cmcc' });
});
