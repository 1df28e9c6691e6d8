import t from 'tap';
import { cmppDeliveries, readCmppDelivery } from '../../src/cmpp/delivery.js';
import { MsgFmt } from '../../src/cmpp/constants.js';
import { encodeReport } from '../../src/cmpp/deliver.js';
import type { CmppDeliverFields } from '../../src/cmpp/inbound.js';
import { msgIdFromDecimal } from '../../src/cmpp/msg-id.js';

function fields(over: Partial<CmppDeliverFields>): CmppDeliverFields {
  return {
    command: 'deliver', seq: 1, msgId: '5', destId: '1069000', serviceId: '', tpPid: 0, tpUdhi: 0, msgFmt: MsgFmt.ascii,
    srcTerminalId: '13900139000', srcTerminalType: 0, registeredDelivery: 0, content: Buffer.alloc(0), linkId: '', report: null, ...over,
  };
}
const report = (msgId: string, stat: string) => ({ msgId, stat, submitTime: '2612021200', doneTime: '2612021201', destTerminalId: '13800138000', smscSequence: 1 });

t.test('the answers are DELIVER_RESP Results 0, 8, 4 and 1', async (t) => {
  t.same(['stored', 'later', 'bad-length', 'bad-fields'].map((a) => cmppDeliveries.status(a as never)), [0, 8, 4, 1]);
});

t.test('a status report reads as a receipt of its Msg_Id with its Stat mapped', async (t) => {
  t.same(readCmppDelivery(fields({ registeredDelivery: 1, report: report('123', 'MB:0015') })), { kind: 'receipt', messageId: '123', stat: 'UNDELIV', err: 'MB:0015' });
});

t.test('a report that is not its version\'s is malformed (Result 4); one naming no message or state is unreadable, without the handset', async (t) => {
  const content = encodeReport('3.0', msgIdFromDecimal('1')!, report('1', 'DELIVRD'));
  t.match(readCmppDelivery(fields({ registeredDelivery: 1, content, report: null })), { kind: 'malformed', answer: 'bad-length' });
  const zero = readCmppDelivery(fields({ registeredDelivery: 1, report: report('0', 'DELIVRD') }));
  t.match(zero, { kind: 'unreadable', reason: /Msg_Id 0/ });
  t.notMatch(zero.kind === 'unreadable' ? zero.text : '', /13800138000/);
  t.match(readCmppDelivery(fields({ registeredDelivery: 1, report: report('9', '       ') })), { kind: 'unreadable', reason: /no Stat/ });
});

t.test('an MO of an unknown Msg_Fmt is read as Latin-1 with a warning', async (t) => {
  t.match(readCmppDelivery(fields({ msgFmt: MsgFmt.binary, content: Buffer.from([0x41]) })), { kind: 'mo', mo: { text: 'A', from: '13900139000', to: '1069000' }, warning: /Msg_Fmt 4/ });
  t.same(readCmppDelivery(fields({ content: Buffer.from('hi') })), { kind: 'mo', mo: { from: '13900139000', to: '1069000', text: 'hi' } });
});
