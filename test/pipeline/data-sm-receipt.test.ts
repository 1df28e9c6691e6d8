import t from 'tap';
import { decodePdu, encodePdu } from '../../src/smpp/pdu-codec.js';
import { parseReceiptResult } from '../../src/smpp/receipt.js';
import { decodeMo, moFromFields } from '../../src/smpp/mo.js';
import { readSm } from '../../src/smpp/sm-fields.js';
import { receiptFromFields } from '../../src/smpp/receipt.js';

// The session hands deliver_sm and data_sm alike to Inbound as their frame, read by readSm: a data_sm
// receipt has no short_message, only TLVs, and must still read as a receipt. The package's decode
// (what req.pdu gives) must read the same.
t.test('a data_sm receipt decoded off the wire reads as a receipt from its TLVs', async (t) => {
  const frame = encodePdu('data_sm', 7, { source_addr: '13800138000', destination_addr: '10690', esm_class: 0x04,
    data_coding: 0, receipted_message_id: '6699', message_state: 5, network_error_code: Buffer.from([3, 0, 34]) });
  const d = decodePdu(frame);
  t.ok(d.ok);
  if (!d.ok) return;
  t.equal(d.pdu.command, 'data_sm');
  const want = { ok: true, receipt: { messageId: '6699', stat: 'UNDELIV', final: true, err: '034', source: 'tlv' } };
  t.match(parseReceiptResult(d.pdu), want);
  t.match(receiptFromFields(readSm(frame)), want, 'the same from the frame, as Inbound reads it');
});

t.test('a data_sm MO (esm_class 0) is not taken for a receipt and its message_payload is its text', async (t) => {
  const frame = encodePdu('data_sm', 8, { source_addr: '1', destination_addr: '2', esm_class: 0, message_payload: Buffer.from('TD') });
  const d = decodePdu(frame);
  t.ok(d.ok && !parseReceiptResult(d.pdu).ok);
  if (d.ok) t.equal(decodeMo(d.pdu).text, 'TD');
  const f = readSm(frame);
  t.notOk(receiptFromFields(f).ok, 'nor from the frame');
  t.equal(moFromFields(f).text, 'TD');
});
