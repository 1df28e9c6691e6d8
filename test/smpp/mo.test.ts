import t from 'tap';
import smpp from 'smpp';
import { decodeMo } from '../../src/smpp/mo.js';
import { decodeText, readSm } from '../../src/smpp/sm-fields.js';
import { gsmDecode } from '../../src/text/gsm.js';
import { splitUdh } from '../../src/text/udh.js';

/** A whole deliver_sm (header included) with the given fields; short_message stays raw octets. */
function deliver(fields: Record<string, unknown>): Buffer {
  return new smpp.PDU('deliver_sm', { source_addr: '8613800138000', destination_addr: '10086', data_coding: 0, ...fields }).toBuffer();
}

t.test('a golden deliver_sm with an 8-bit UDH and GSM escape decodes from its bytes', async (t) => {
  const golden = Buffer.from(
    '0000003d000000050000000000000007000101383631333830303133383030300000003130303836' +
      '004000000000000000000a050003a5020148691b65',
    'hex',
  );
  t.same(decodeMo(golden), { from: '8613800138000', to: '10086', text: 'Hi€', dataCoding: 0, concat: { ref: 0xa5, total: 2, seq: 1 } });
});

t.test('GSM default alphabet with every extension character decodes, one septet per octet', async (t) => {
  // "^{}\[~]|€" then "@£$" then "Ω" and a form feed
  const octets = Buffer.from('1b141b281b291b2f1b3c1b3d1b3e1b401b6500010215' + '1b0a', 'hex');
  t.equal(gsmDecode(octets), '^{}\\[~]|€@£$Ω\f');
  t.equal(decodeMo(deliver({ short_message: octets })).text, '^{}\\[~]|€@£$Ω\f');
  t.equal(gsmDecode(Buffer.from('1b41', 'hex')), 'A', 'an unknown extension shows the default character');
});

t.test('UCS2 keeps surrogate pairs (emoji) intact', async (t) => {
  const octets = Buffer.from('9000 8ba2 d83d de00'.replace(/ /g, ''), 'hex'); // 退订😀
  const mo = decodeMo(deliver({ data_coding: 8, short_message: octets }));
  t.equal(mo.text, '退订😀');
  t.equal(mo.dataCoding, 8);
  t.equal(decodeText(Buffer.from('00', 'hex'), 8), '', 'a lone trailing byte is dropped');
});

t.test('latin1 (data_coding 3) decodes byte for byte', async (t) => {
  t.equal(decodeMo(deliver({ data_coding: 3, short_message: Buffer.from('e9e0fc', 'hex') })).text, 'éàü');
});

t.test('a 16-bit reference UDH (IEI 0x08) gives ref, total and seq', async (t) => {
  const octets = Buffer.from('060804beef0302' + '0054', 'hex');
  const mo = decodeMo(deliver({ esm_class: 0x40, data_coding: 8, short_message: octets }));
  t.same(mo.concat, { ref: 0xbeef, total: 3, seq: 2 });
  t.equal(mo.text, 'T');
});

t.test('a UDH with other elements before the concatenation element is skipped correctly', async (t) => {
  const { body, concat } = splitUdh(Buffer.from('0b' + '0504000000f0' + '00030c0201' + '41', 'hex'));
  t.same(concat, { ref: 12, total: 2, seq: 1 });
  t.equal(body.toString('hex'), '41');
});

t.test('SAR TLVs give the concatenation when there is no UDH', async (t) => {
  const mo = decodeMo(deliver({ short_message: Buffer.from('TD'), sar_msg_ref_num: 513, sar_total_segments: 2, sar_segment_seqnum: 2 }));
  t.same(mo, { from: '8613800138000', to: '10086', text: 'TD', dataCoding: 0, concat: { ref: 513, total: 2, seq: 2 } });
});

t.test('message_payload carries the text when short_message is empty', async (t) => {
  const buf = deliver({ data_coding: 8, short_message: Buffer.alloc(0), message_payload: Buffer.from('90008ba2', 'hex') });
  t.equal(decodeMo(buf).text, '退订');
  t.equal(readSm(buf).octets.length, 0);
});

t.test('a record already decoded by smpp is accepted too', async (t) => {
  const decoded = new smpp.PDU(deliver({ data_coding: 8, esm_class: 0x40, short_message: Buffer.from('0500030a0201d83dde00', 'hex') }));
  const mo = decodeMo(decoded);
  t.equal(mo.text, '😀');
  t.same(mo.concat, { ref: 10, total: 2, seq: 1 });
  t.equal(decodeMo({ source_addr: 'a', destination_addr: 'b', data_coding: 0, short_message: Buffer.from('1b65', 'hex') }).text, '€');
});

t.test('a buffer shorter than a PDU header is refused as BAD_PDU', async (t) => {
  t.throws(() => decodeMo(Buffer.alloc(8)), { code: 'BAD_PDU' });
});
