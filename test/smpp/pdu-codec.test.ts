import t from 'tap';
import smpp from 'smpp';
import { decodePdu, encodeResponseFor } from '../../src/smpp/pdu-codec.js';

const viaPackage = (seq: number, status: number): Buffer =>
  new smpp.PDU('deliver_sm_resp', { sequence_number: seq, command_status: status }).toBuffer();

t.test('deliver_sm_resp is written byte for byte as the smpp package writes it', async (t) => {
  for (const status of [0x00, 0x08, 0x64, 0xfe]) {
    for (const seq of [1, 2, 0x1234, 0x7fffffff]) {
      t.same(encodeResponseFor('deliver_sm', seq, status), viaPackage(seq, status), `status 0x${status.toString(16)}, seq ${seq}`);
    }
  }
});

t.test('deliver_sm_resp golden bytes: status 0 carries the NULL message_id, an error status no body', async (t) => {
  t.equal(encodeResponseFor('deliver_sm', 7, 0).toString('hex'), '00000011800000050000000000000007' + '00');
  t.equal(encodeResponseFor('deliver_sm', 7, 0x08).toString('hex'), '00000010800000050000000800000007');
  const back = decodePdu(encodeResponseFor('deliver_sm', 9, 0));
  t.ok(back.ok);
  t.match(back.ok && back.pdu, { command: 'deliver_sm_resp', sequence_number: 9, command_status: 0, message_id: '' });
});

t.test('other responses still go through the package', async (t) => {
  t.equal(encodeResponseFor('enquire_link', 3, 0).toString('hex'), '00000010800000150000000000000003');
  t.equal(encodeResponseFor('no_such_command', 4, 3).readUInt32BE(4), 0x80000000, 'generic_nack');
});
