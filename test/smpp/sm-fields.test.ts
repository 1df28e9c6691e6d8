import t from 'tap';
import { readSm } from '../../src/smpp/sm-fields.js';

// Golden deliver_sm, sequence 7, from 8613800138000 to 10690, sm_length 5, "hello"; then the same cut short.
const WHOLE = '00000038000000050000000000000007000101383631333830303133383030300000013130363930000000000000000000000568656c6c6f';
const SHORT_MESSAGE_CUT = '00000037000000050000000000000007000101383631333830303133383030300000013130363930000000000000000000000568656c6c';
const FIELDS_CUT = '000000240000000500000000000000070001013836313338303031333830303000000131';

t.test('a golden deliver_sm with sm_length 5 and five octets reads whole', async (t) => {
  const f = readSm(Buffer.from(WHOLE, 'hex'));
  t.equal(f.octets.toString('latin1'), 'hello');
  t.equal(f.from, '8613800138000');
  t.equal(f.to, '10690');
});

t.test('a deliver_sm whose short_message is shorter than sm_length is refused with ESME_RINVMSGLEN (0x01)', async (t) => {
  t.throws(() => readSm(Buffer.from(SHORT_MESSAGE_CUT, 'hex')), { name: 'TruncatedSmError', code: 'BAD_PDU', status: 0x01, message: /sm_length 5 but 4 octets left/ });
});

t.test('a deliver_sm that ends inside its mandatory fields is refused with ESME_RINVCMDLEN (0x02)', async (t) => {
  t.throws(() => readSm(Buffer.from(FIELDS_CUT, 'hex')), { name: 'TruncatedSmError', code: 'BAD_PDU', status: 0x02 });
});

t.test('a data_sm that ends before data_coding is refused with ESME_RINVCMDLEN (0x02)', async (t) => {
  // data_sm (0x103): service_type, source 1/1 "1", dest 1/1 "2", esm_class, registered_delivery; no data_coding.
  const pdu = Buffer.from('0000001b000001030000000000000009' + '00' + '010131' + '00' + '010132' + '00' + '0000', 'hex');
  t.throws(() => readSm(pdu), { name: 'TruncatedSmError', status: 0x02 });
});
