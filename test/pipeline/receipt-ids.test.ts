import t from 'tap';
import { receiptId, responseId } from '../../src/pipeline/receipt-ids.js';

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
