import t from 'tap';
import { readSmppDelivery, smppDeliveries } from '../../src/smpp/delivery.js';
import { encodePdu } from '../../src/smpp/pdu-codec.js';

const SHORT_MESSAGE_CUT = '00000037000000050000000000000007000101383631333830303133383030300000013130363930000000000000000000000568656c6c';
const FIELDS_CUT = '000000240000000500000000000000070001013836313338303031333830303000000131';

t.test('a deliver_sm cut short is malformed, answered ESME_RINVMSGLEN or ESME_RINVCMDLEN as before', async (t) => {
  const short = readSmppDelivery(Buffer.from(SHORT_MESSAGE_CUT, 'hex'));
  t.match(short, { kind: 'malformed', answer: 'bad-length' });
  t.equal(smppDeliveries.status(short.kind === 'malformed' ? short.answer : 'stored'), 0x01);
  const cut = readSmppDelivery(Buffer.from(FIELDS_CUT, 'hex'));
  t.match(cut, { kind: 'malformed', answer: 'bad-fields' });
  t.equal(smppDeliveries.status('bad-fields'), 0x02);
});

t.test('stored is ESME_ROK and later ESME_RSYSERR', async (t) => {
  t.equal(smppDeliveries.status('stored'), 0x00);
  t.equal(smppDeliveries.status('later'), 0x08);
});

t.test('a receipt, an unreadable receipt and an MO read as what they are', async (t) => {
  t.same(readSmppDelivery(encodePdu('deliver_sm', 1, { esm_class: 0x04, short_message: 'id:77 stat:DELIVRD err:000' })),
    { kind: 'receipt', messageId: '77', stat: 'DELIVRD', err: '000' });
  t.same(readSmppDelivery(encodePdu('deliver_sm', 1, { esm_class: 0x04, short_message: 'zQx93' })),
    { kind: 'unreadable', reason: 'receipt names no message id', text: 'zQx93' });
  t.match(readSmppDelivery(encodePdu('deliver_sm', 1, { source_addr: '139', destination_addr: '10690', short_message: 'TD' })),
    { kind: 'mo', mo: { from: '139', to: '10690', text: 'TD' } });
});
