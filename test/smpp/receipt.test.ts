import t from 'tap';
import smpp from 'smpp';
import { parseReceipt, parseReceiptResult, parseReceiptText } from '../../src/smpp/receipt.js';

function dlr(text: string, fields: Record<string, unknown> = {}): Buffer {
  return new smpp.PDU('deliver_sm', {
    source_addr: '8613800138000',
    destination_addr: '10086',
    esm_class: 0x04,
    data_coding: 0,
    short_message: Buffer.from(text, 'latin1'),
    ...fields,
  }).toBuffer();
}

const STANDARD = 'id:1234567890 sub:001 dlvrd:001 submit date:2611231649 done date:2611231650 stat:DELIVRD err:000 text:Your code is 1234';

t.test('the standard Appendix B text parses field by field', async (t) => {
  t.same(parseReceipt(dlr(STANDARD)), {
    messageId: '1234567890',
    stat: 'DELIVRD',
    final: true,
    err: '000',
    submitDate: '2611231649',
    doneDate: '2611231650',
    sub: '001',
    dlvrd: '001',
    text: 'Your code is 1234',
    source: 'text',
  });
});

t.test('lower-case keys and values, extra spaces and reordered fields still parse', async (t) => {
  const r = parseReceipt(dlr('STAT: undeliv   ERR:034  ID:  ab12  Submit_Date:2611231649 text: hi there'));
  t.match(r, { messageId: 'ab12', stat: 'UNDELIV', final: true, err: '034', submitDate: '2611231649', text: 'hi there' });
});

t.test('missing fields are left out rather than guessed', async (t) => {
  const r = parseReceipt(dlr('id:77 stat:EXPIRED'));
  t.same(r, { messageId: '77', stat: 'EXPIRED', final: true, source: 'text' });
});

t.test('ENROUTE is not final; long spellings map to the 7-letter states', async (t) => {
  t.match(parseReceipt(dlr('id:1 stat:ENROUTE')), { stat: 'ENROUTE', final: false });
  t.match(parseReceipt(dlr('id:1 stat:Delivered')), { stat: 'DELIVRD' });
  t.match(parseReceipt(dlr('id:1 stat:REJECTED')), { stat: 'REJECTD' });
  t.match(parseReceipt(dlr('id:1 stat:WHATEVER')), { stat: 'UNKNOWN', final: true });
});

t.test('TLVs alone make a receipt', async (t) => {
  const nec = Buffer.from([0x03, 0x00, 0x22]); // GSM network, error 34
  const r = parseReceipt(dlr('', { receipted_message_id: 'A1B2', message_state: 8, network_error_code: nec }));
  t.same(r, { messageId: 'A1B2', stat: 'REJECTD', final: true, source: 'tlv', networkErrorCode: '030022', err: '034' });
});

t.test('TLVs win over a text that disagrees', async (t) => {
  const r = parseReceipt(dlr('id:999 stat:DELIVRD err:000', { receipted_message_id: '123', message_state: 5 }));
  t.match(r, { messageId: '123', stat: 'UNDELIV', source: 'tlv', err: '000' });
});

t.test('every message_state value 1..8 maps to its state', async (t) => {
  const states = [1, 2, 3, 4, 5, 6, 7, 8].map((s) => parseReceipt(dlr('', { receipted_message_id: 'x', message_state: s }))?.stat);
  t.same(states, ['ENROUTE', 'DELIVRD', 'EXPIRED', 'DELETED', 'UNDELIV', 'ACCEPTD', 'UNKNOWN', 'REJECTD']);
});

t.test('garbage text without TLVs is not ok, and says why', async (t) => {
  const r = parseReceiptResult(dlr('kQ3x9 lorem ipsum =='));
  t.same(r, { ok: false, reason: 'receipt names no message id' });
  t.equal(parseReceipt(dlr('kQ3x9 lorem ipsum ==')), null);
  t.match(parseReceiptResult(dlr('id:5 something')), { ok: false, reason: /no delivery state/ });
});

t.test('a deliver_sm that is not a receipt gives null', async (t) => {
  t.equal(parseReceipt(dlr(STANDARD, { esm_class: 0x00 })), null);
  t.match(parseReceiptResult(dlr(STANDARD, { esm_class: 0x40 })), { ok: false, reason: /not a receipt/ });
  t.ok(parseReceipt(dlr(STANDARD, { esm_class: 0x08 })), 'SME delivery acknowledgement counts');
});

t.test('records already decoded by smpp and data_sm receipts are accepted', async (t) => {
  t.match(parseReceipt(new smpp.PDU(dlr(STANDARD))), { messageId: '1234567890', stat: 'DELIVRD' });
  const dataSm = new smpp.PDU('data_sm', { esm_class: 0x04, receipted_message_id: '55', message_state: 2 }).toBuffer();
  t.match(parseReceipt(dataSm), { messageId: '55', stat: 'DELIVRD', source: 'tlv' });
  t.match(parseReceipt({ esm_class: 4, short_message: { message: 'id:9 stat:DELIVRD' } }), { messageId: '9' });
});

t.test('a text: field containing other keys does not override the real fields', async (t) => {
  const f = parseReceiptText('id:1 stat:DELIVRD err:000 text:id:2 stat:UNDELIV');
  t.equal(f.id, '1');
  t.equal(f.stat, 'DELIVRD');
});

// The definition parseReceiptText implements by hand (src/smpp/receipt.ts), as the regex it replaced.
const KEY_RE = /(?<![A-Za-z0-9_])(id|sub|dlvrd|submit[ _]?date|done[ _]?date|stat|err|text)\s*:\s*/gi;
function byRegex(text: string): Record<string, string> {
  const keys = [...text.matchAll(KEY_RE)];
  const out: Record<string, string> = {};
  keys.forEach((m, i) => {
    const key = m[1]!.toLowerCase().replace(/[ _]/g, '');
    const name = key === 'submitdate' ? 'submitDate' : key === 'donedate' ? 'doneDate' : key;
    if (out[name] !== undefined) return;
    const raw = text.slice(m.index! + m[0].length, i + 1 < keys.length ? keys[i + 1]!.index! : text.length);
    out[name] = name === 'text' ? raw.trim() : (raw.trim().split(/\s+/)[0] ?? '');
  });
  return out;
}

t.test('receipt texts parse as the key regex defines them, for 20,000 generated texts', async (t) => {
  // Pieces that make keys, near-keys and separators likely: case, spacing, word characters before a key.
  const pieces = ['id', 'ID', 'Id', 'sub', 'SUB', 'submit', 'submit date', 'Submit_Date', 'submitdate', 'submit  date',
    'done date', 'DONE_date', 'donedate', 'dlvrd', 'stat', 'STAT', 'err', 'text', 'Text', ':', ' : ', ':', ' ', '  ', '\t',
    '\u00a0', '\u3000', 'x', '_', '9', 'DELIVRD', '001', '2411231200', '-', 'é', 'İd', 'ſub', '\n'];
  let seed = 42;
  const rnd = (n: number): number => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return Math.floor(((seed >>> 0) / 2 ** 32) * n); };
  let differ = 0;
  let first = '';
  for (let k = 0; k < 20_000; k++) {
    let text = '';
    for (let n = rnd(16); n >= 0; n--) text += pieces[rnd(pieces.length)];
    if (JSON.stringify(parseReceiptText(text)) !== JSON.stringify(byRegex(text))) { differ++; first ||= text; }
  }
  t.equal(differ, 0, `every text parses the same (first that differs: ${JSON.stringify(first)})`);
  const std = 'id:1234567890 sub:001 dlvrd:001 submit date:2411231200 done date:2411231201 stat:DELIVRD err:000 text:Hello';
  t.same(parseReceiptText(std), byRegex(std));
});
