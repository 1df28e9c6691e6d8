import t from 'tap';
import { normaliseMessageId, receiptId, receiptKey, responseId } from '../../src/pipeline/receipt-ids.js';

t.test('as-sent compares the trimmed ids exactly', async (t) => {
  t.equal(responseId(' Ab-12\0', 'as-sent'), receiptId('Ab-12', 'as-sent'));
  t.not(responseId('ab12', 'as-sent'), receiptId('AB12', 'as-sent'), 'case matters when the carrier repeats its id');
});

t.test('hex ignores case, leading zeros and 0x on both sides', async (t) => {
  t.equal(responseId('00001A2B', 'hex'), '1a2b');
  t.equal(receiptId('0x1a2b', 'hex'), '1a2b');
  t.equal(responseId('6699', 'hex'), receiptId('6699', 'hex'), 'an all-digit id is read as hex on both sides');
});

t.test('decimal matches a hex response id with the same number written in decimal in the receipt', async (t) => {
  t.equal(responseId('1A2B', 'decimal'), receiptId('6699', 'decimal'));
  t.equal(responseId('3B9ACA00', 'decimal'), receiptId('1000000000', 'decimal'));
  t.not(responseId('6699', 'decimal'), receiptId('6699', 'decimal'), 'the same digits are different numbers on the two sides');
});

t.test('ids that do not parse in the expected base are kept trimmed rather than rejected', async (t) => {
  t.equal(responseId(' msg-7 ', 'hex'), 'msg-7');
  t.equal(receiptId('msg-7', 'decimal'), 'msg-7');
});

t.test('normaliseMessageId makes hex and decimal forms of one id equal', async (t) => {
  t.equal(normaliseMessageId('1A2B', 'hex'), normaliseMessageId('6699', 'decimal'));
  t.equal(normaliseMessageId('001a2b', 'hex'), '1a2b');
  t.equal(normaliseMessageId(' 0x1A2B ', 'hex'), '1a2b');
  t.equal(normaliseMessageId('12345678901234567890', 'decimal'), 'ab54a98ceb1f0ad2');
  t.equal(normaliseMessageId(' Ab-12 ', 'as-sent'), 'Ab-12');
  t.equal(normaliseMessageId('xyz', 'hex'), 'xyz', 'an id that does not parse stays as it is');
});

const own = { name: 'cmcc', protocol: 'smpp', idFormat: 'decimal' } as const;
const second = { name: 'cmcc-b', protocol: 'smpp', idFormat: 'decimal' } as const;

t.test('a channel named as its carrier keys by the canonical id alone, as mappings were written before channels', async (t) => {
  t.equal(receiptKey('cmcc', own, '1A2B', 'response'), responseId('1A2B', 'decimal'));
  t.equal(receiptKey('cmcc', own, '6699', 'receipt'), '1a2b');
});

t.test('any other channel keys by its name and the id, so equal ids of two channels never meet', async (t) => {
  t.equal(receiptKey('cmcc', second, '1A2B', 'response'), 'cmcc-b:1a2b');
  t.equal(receiptKey('cmcc', second, '6699', 'receipt'), receiptKey('cmcc', second, '1A2B', 'response'));
  t.not(receiptKey('cmcc', second, '6699', 'receipt'), receiptKey('cmcc', own, '1A2B', 'response'));
});

t.test('a CMPP Msg_Id is compared in its canonical decimal whatever idFormat says', async (t) => {
  const cmpp = { name: 'cmcc', protocol: 'cmpp', idFormat: 'decimal' } as const;
  t.equal(receiptKey('cmcc', cmpp, '1234567890123', 'response'), '1234567890123');
  t.equal(receiptKey('cmcc', cmpp, '1234567890123', 'receipt'), '1234567890123');
});
