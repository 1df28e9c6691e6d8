import t from 'tap';
import { decodeCmpp, encodeActiveTestResp, encodeEmpty } from '../../src/cmpp/codec.js';
import { encodeConnect, encodeConnectResp } from '../../src/cmpp/connect.js';
import { encodeSubmit, encodeSubmitResp, type CmppSubmit } from '../../src/cmpp/submit.js';
import { decodeReport, encodeDeliver, encodeDeliverResp, encodeReport } from '../../src/cmpp/deliver.js';
import { msgIdFromDecimal } from '../../src/cmpp/msg-id.js';

/**
 * Golden PDUs written field by field from the CMPP 2.0 and 3.0 field tables: each string below is one
 * field, in the specification's order, so a wrong width or order in the codec shows as a byte diff.
 */
const hex = (...fields: string[]) => Buffer.from(fields.join('').replace(/\s+/g, ''), 'hex');
const zeros = (n: number) => '00'.repeat(n);
/** An Octet String field: ASCII, NUL-padded to its width. */
const str = (s: string, width: number) => Buffer.from(s, 'latin1').toString('hex') + zeros(width - s.length);

const AUTH_SOURCE = 'd57a019aa308e4883cb3248b5ded6664'; // md5sum of "901234" + 9 NUL + "secret" + "1202153800"
const MSG_ID = 'c13e6001e240002a'; // 12-02 15:38:00, ISMG 123456, sequence 42
const MSG_ID_DEC = '13924672659083231274';

const CONNECT = hex('00000027', '00000001', '00000001', str('901234', 6), AUTH_SOURCE, '20', '47a76948');
const CONNECT_RESP_20 = hex('0000001e', '80000001', '00000001', '00', '02624bff253cc1b56c2430e181c4c79a', '20');
const CONNECT_RESP_30 = hex('00000021', '80000001', '00000001', '00000000', '6072898edebfa25f971e492eff3de90d', '30');

const SUBMIT_COMMON = {
  head: (len: string, seq: string) => [len, '00000004', seq],
  before: [zeros(8), '01', '01', '01', '00', str('smppd', 10), '02'],
  middle: ['00', '00', '08', str('901234', 6), str('01', 2), str('000000', 6), zeros(17), zeros(17), str('106571234', 21), '01'],
};
const SUBMIT_20 = hex(
  ...SUBMIT_COMMON.head('000000a3', '00000005'), ...SUBMIT_COMMON.before, zeros(21), ...SUBMIT_COMMON.middle,
  str('13800138000', 21), '04', '4f60597d', zeros(8),
);
const SUBMIT_30 = hex(
  ...SUBMIT_COMMON.head('000000c7', '00000005'), ...SUBMIT_COMMON.before, zeros(32), '00', ...SUBMIT_COMMON.middle,
  str('13800138000', 32), '00', '04', '4f60597d', zeros(20),
);
const SUBMIT_RESP_20 = hex('00000015', '80000004', '00000005', MSG_ID, '00');
const SUBMIT_RESP_30 = hex('00000018', '80000004', '00000005', MSG_ID, '00000008');

const REPORT_20 = [MSG_ID, str('DELIVRD', 7), str('2612021538', 10), str('2612021539', 10), str('13800138000', 21), '0000002a'];
const DELIVER_REPORT_20 = hex(
  '00000091', '00000005', '00000009', '0000000000000063', str('106571234', 21), str('', 10), '00', '00', '00',
  str('13800138000', 21), '01', '3c', ...REPORT_20, zeros(8),
);
const DELIVER_MO_30 = hex(
  '00000071', '00000005', '0000000a', '0000000000000064', str('1065712345', 21), str('', 10), '00', '00', '0f',
  str('13800138000', 32), '00', '00', '04', 'cdcbb6a9', zeros(20),
);
const DELIVER_RESP_30 = hex('00000018', '80000005', '00000009', '0000000000000063', '00000000');

const submit = (): CmppSubmit => ({
  msgId: Buffer.alloc(8), pkTotal: 1, pkNumber: 1, registeredDelivery: 1, msgLevel: 0, serviceId: 'smppd',
  feeUserType: 2, feeTerminalId: '', feeTerminalType: 0, tpPid: 0, tpUdhi: 0, msgFmt: 8, msgSrc: '901234',
  feeType: '01', feeCode: '000000', validTime: '', atTime: '', srcId: '106571234',
  destTerminalIds: ['13800138000'], destTerminalType: 0, content: Buffer.from('4f60597d', 'hex'), linkId: '',
});

t.test('CMPP_CONNECT encodes to the golden bytes and decodes back', async (t) => {
  const pdu = encodeConnect(1, { sourceAddr: '901234', authenticatorSource: Buffer.from(AUTH_SOURCE, 'hex'), version: 0x20, timestamp: 1202153800 });
  t.equal(pdu.toString('hex'), CONNECT.toString('hex'));
  const d = decodeCmpp(CONNECT, '2.0');
  t.ok(d.ok);
  if (d.ok && d.pdu.command === 'connect') {
    t.equal(d.pdu.body.sourceAddr, '901234');
    t.equal(d.pdu.body.timestamp, 1202153800);
    t.equal(d.pdu.body.authenticatorSource.toString('hex'), AUTH_SOURCE);
  } else t.fail('not a connect');
});

t.test('CMPP_CONNECT_RESP has a 1-octet Status in 2.0 and a 4-octet one in 3.0', async (t) => {
  for (const [golden, bytes, version, auth] of [
    [CONNECT_RESP_20, 1, 0x20, '02624bff253cc1b56c2430e181c4c79a'],
    [CONNECT_RESP_30, 4, 0x30, '6072898edebfa25f971e492eff3de90d'],
  ] as const) {
    const pdu = encodeConnectResp(1, { status: 0, statusBytes: bytes, authenticatorIsmg: Buffer.from(auth, 'hex'), version });
    t.equal(pdu.toString('hex'), golden.toString('hex'));
    const d = decodeCmpp(golden, bytes === 1 ? '2.0' : '3.0');
    if (d.ok && d.pdu.command === 'connect_resp') t.same([d.pdu.body.status, d.pdu.body.statusBytes, d.pdu.body.version], [0, bytes, version]);
    else t.fail('not a connect_resp');
  }
});

t.test('CMPP_SUBMIT lays out every field of each version', async (t) => {
  t.equal(encodeSubmit('2.0', 5, submit()).toString('hex'), SUBMIT_20.toString('hex'));
  t.equal(encodeSubmit('3.0', 5, submit()).toString('hex'), SUBMIT_30.toString('hex'));
  for (const [golden, v] of [[SUBMIT_20, '2.0'], [SUBMIT_30, '3.0']] as const) {
    const d = decodeCmpp(golden, v);
    if (d.ok && d.pdu.command === 'submit') {
      t.same(d.pdu.body.destTerminalIds, ['13800138000'], `${v} destination`);
      t.equal(d.pdu.body.srcId, '106571234');
      t.equal(d.pdu.body.msgFmt, 8);
      t.equal(Buffer.from(d.pdu.body.content).toString('hex'), '4f60597d');
    } else t.fail(`${v}: ${JSON.stringify(d)}`);
  }
});

t.test('CMPP_SUBMIT_RESP carries the Msg_Id in its canonical decimal and a Result of the version width', async (t) => {
  const id = msgIdFromDecimal(MSG_ID_DEC)!;
  t.equal(encodeSubmitResp('2.0', 5, id, 0).toString('hex'), SUBMIT_RESP_20.toString('hex'));
  t.equal(encodeSubmitResp('3.0', 5, id, 8).toString('hex'), SUBMIT_RESP_30.toString('hex'));
  const d20 = decodeCmpp(SUBMIT_RESP_20, '2.0');
  const d30 = decodeCmpp(SUBMIT_RESP_30, '3.0');
  t.same(d20.ok && d20.pdu.body, { msgId: MSG_ID_DEC, result: 0 });
  t.same(d30.ok && d30.pdu.body, { msgId: MSG_ID_DEC, result: 8 });
  t.notOk(decodeCmpp(SUBMIT_RESP_20, '3.0').ok, 'a 2.0 answer is refused on a 3.0 channel');
});

t.test('a CMPP_DELIVER status report decodes to the submit it reports on', async (t) => {
  const content = encodeReport('2.0', Buffer.from(MSG_ID, 'hex'), {
    stat: 'DELIVRD', submitTime: '2612021538', doneTime: '2612021539', destTerminalId: '13800138000', smscSequence: 42,
  });
  const pdu = encodeDeliver('2.0', 9, {
    msgId: Buffer.from('0000000000000063', 'hex'), destId: '106571234', serviceId: '', tpPid: 0, tpUdhi: 0, msgFmt: 0,
    srcTerminalId: '13800138000', srcTerminalType: 0, registeredDelivery: 1, content, linkId: '',
  });
  t.equal(pdu.toString('hex'), DELIVER_REPORT_20.toString('hex'));
  const d = decodeCmpp(DELIVER_REPORT_20, '2.0');
  if (!d.ok || d.pdu.command !== 'deliver') return t.fail('not a deliver');
  t.equal(d.pdu.body.registeredDelivery, 1);
  t.same(decodeReport('2.0', d.pdu.body.content), {
    msgId: MSG_ID_DEC, stat: 'DELIVRD', submitTime: '2612021538', doneTime: '2612021539', destTerminalId: '13800138000', smscSequence: 42,
  });
  t.equal(decodeReport('3.0', d.pdu.body.content), null, 'a 2.0 report is not read as 3.0');
});

t.test('a CMPP 3.0 MO in GBK decodes with its source number and LinkID', async (t) => {
  const pdu = encodeDeliver('3.0', 10, {
    msgId: Buffer.from('0000000000000064', 'hex'), destId: '1065712345', serviceId: '', tpPid: 0, tpUdhi: 0, msgFmt: 15,
    srcTerminalId: '13800138000', srcTerminalType: 0, registeredDelivery: 0, content: Buffer.from('cdcbb6a9', 'hex'), linkId: '',
  });
  t.equal(pdu.toString('hex'), DELIVER_MO_30.toString('hex'));
  const d = decodeCmpp(DELIVER_MO_30, '3.0');
  if (!d.ok || d.pdu.command !== 'deliver') return t.fail('not a deliver');
  t.equal(new TextDecoder('gbk').decode(d.pdu.body.content), '退订');
  t.equal(d.pdu.body.srcTerminalId, '13800138000');
  t.equal(d.pdu.body.destId, '1065712345');
  t.equal(encodeDeliverResp('3.0', 9, Buffer.from('0000000000000063', 'hex'), 0).toString('hex'), DELIVER_RESP_30.toString('hex'));
});

t.test('ACTIVE_TEST, its response and TERMINATE have their fixed forms', async (t) => {
  t.equal(encodeEmpty('active_test', 3).toString('hex'), '0000000c0000000800000003');
  t.equal(encodeActiveTestResp(3).toString('hex'), '0000000d800000080000000300');
  t.equal(encodeEmpty('terminate', 4).toString('hex'), '0000000c0000000200000004');
  t.equal(encodeEmpty('terminate_resp', 4).toString('hex'), '0000000c8000000200000004');
  const noReserve = decodeCmpp(Buffer.from('0000000c8000000800000003', 'hex'), '2.0');
  t.ok(noReserve.ok, 'an ACTIVE_TEST_RESP without its Reserve octet is taken');
});

t.test('frames that do not fit their fields are refused with a reason, never thrown', async (t) => {
  const cut = Buffer.from(SUBMIT_RESP_20.subarray(0, 20));
  cut.writeUInt32BE(20, 0);
  t.match(decodeCmpp(cut, '2.0'), { ok: false, reason: /shorter than its fields/, command: 'submit_resp', seq: 5 });
  const long = Buffer.concat([SUBMIT_RESP_20, Buffer.alloc(1)]);
  long.writeUInt32BE(long.length, 0);
  t.match(decodeCmpp(long, '2.0'), { ok: false, reason: /1 octets beyond/ });
  t.match(decodeCmpp(hex('0000000c', '00000099', '00000001'), '2.0'), { ok: false, reason: /unsupported Command_Id 0x00000099/ });
  t.match(decodeCmpp(hex('0000000d', '00000008', '00000001'), '2.0'), { ok: false, reason: /Total_Length 13 but 12/ });
  // Msg_Length claims more content than the frame holds.
  const lying = Buffer.from(DELIVER_MO_30);
  lying[12 + 8 + 21 + 10 + 3 + 32 + 1 + 1] = 200;
  t.match(decodeCmpp(lying, '3.0'), { ok: false, reason: /shorter than its fields/ });
});
