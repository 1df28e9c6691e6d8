import t from 'tap';
import { judgeAnswer } from '../../src/smpp/answer.js';
import { decodePdu } from '../../src/smpp/pdu-codec.js';
import { CommandId } from '../../src/smpp/pdu-header.js';

/** Decodes a golden PDU given in hex (spaces ignored). */
function pdu(hex: string) {
  const d = decodePdu(Buffer.from(hex.replace(/ /g, ''), 'hex'));
  if (!d.ok) throw new Error(d.reason);
  return d.pdu;
}

t.test('a submit_sm_resp with status 0 and a message_id is an answer with status 0', async (t) => {
  t.same(judgeAnswer(pdu('00000014 80000004 00000000 00000003 61626300'), CommandId.submit_sm), { kind: 'answer', status: 0 });
});

t.test('a submit_sm_resp with status 0 and no body, or an empty message_id, is unproven', async (t) => {
  t.match(judgeAnswer(pdu('00000010 80000004 00000000 00000003'), CommandId.submit_sm), { kind: 'unproven' });
  t.match(judgeAnswer(pdu('00000011 80000004 00000000 00000003 00'), CommandId.submit_sm), { kind: 'unproven' });
});

t.test('a submit_sm_resp refusing without a body is an answer with its status', async (t) => {
  t.same(judgeAnswer(pdu('00000010 80000004 0000000b 00000003'), CommandId.submit_sm), { kind: 'answer', status: 0x0b });
});

t.test('a generic_nack is never acceptance: status 0 reads as ESME_RSYSERR, any other status is kept', async (t) => {
  t.same(judgeAnswer(pdu('00000010 80000000 00000000 00000003'), CommandId.submit_sm), { kind: 'answer', status: 0x08 });
  t.same(judgeAnswer(pdu('00000010 80000000 00000003 00000003'), CommandId.submit_sm), { kind: 'answer', status: 0x03 });
});

t.test("an enquire_link_resp under a submit_sm's number is a mismatch; under an enquire_link's it is an answer", async (t) => {
  const resp = pdu('00000010 80000015 00000000 00000003');
  t.match(judgeAnswer(resp, CommandId.submit_sm), { kind: 'mismatch', why: /enquire_link_resp answers a request 0x00000004/ });
  t.same(judgeAnswer(resp, CommandId.enquire_link), { kind: 'answer', status: 0 });
});

t.test('an unbind_resp answers an unbind', async (t) => {
  t.same(judgeAnswer(pdu('00000010 80000006 00000000 00000003'), CommandId.unbind), { kind: 'answer', status: 0 });
});
