import t from 'tap';
import smpp from 'smpp';
import { decodePdu, decodeSubmitSmResp, encodeResponseFor } from '../../src/smpp/pdu-codec.js';

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

/** The fields a decoded PDU carries, as plain data (the package's PDU object has methods besides). */
const fields = (pdu: object): Record<string, unknown> => Object.fromEntries(Object.entries(pdu).filter(([, v]) => typeof v !== 'function'));

t.test('submit_sm_resp is read field for field as the smpp package reads it', async (t) => {
  const golden = [
    '00000017800000040000000000000007' + '6d7367303031' + '00', // message_id "msg001"
    '00000010800000040000005800000008', // ESME_RTHROTTLED, no body (SMPP 3.4 §4)
    '00000011800000040000000800000009' + '00', // error status, empty message_id
    '000000158000000400000000000000' + '0a' + '3132333435', // message_id without its NULL: read to the end
    '000000198000000400000000000000' + '0b' + '616263' + '00' + '0427000102', // a TLV after it (not read)
  ].map((h) => Buffer.from(h, 'hex'));
  for (const frame of golden) {
    const pkg = new smpp.PDU(frame) as unknown as Record<string, unknown>;
    const ours = decodeSubmitSmResp(frame);
    const label = frame.toString('hex');
    t.equal(ours.message_id, pkg.message_id, `message_id of ${label}`);
    t.same({ ...fields(ours), message_state: undefined }, { ...fields(pkg), message_state: undefined }, `every other field of ${label}`);
  }
  const d = decodePdu(golden[0]!);
  t.match(d, { ok: true, pdu: { command: 'submit_sm_resp', command_status: 0, sequence_number: 7, message_id: 'msg001' } });
});
