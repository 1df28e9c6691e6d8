import t from 'tap';
import { cutText, isAscii, type Budget } from '../../src/text/cut.js';

const SMPP_GSM: Budget = { encoding: 'gsm', single: 160, perPart: 153 };
const SMPP_UCS2: Budget = { encoding: 'ucs2', single: 140, perPart: 134 };
const CMPP_ASCII: Budget = { encoding: 'ascii', single: 140, perPart: 134 };
const CMPP_UCS2: Budget = { encoding: 'ucs2', single: 140, perPart: 134 };

t.test('a text that fits every channel alone is one part', async (t) => {
  t.same(cutText('a'.repeat(140), [SMPP_GSM, CMPP_ASCII], 0, 10), [0, 140]);
});

t.test('the strictest budget decides each cut', async (t) => {
  t.same(cutText('a'.repeat(150), [SMPP_GSM], 0, 10), [0, 150], 'SMPP alone: one part');
  t.same(cutText('a'.repeat(150), [SMPP_GSM, CMPP_ASCII], 0, 10), [0, 134, 150], 'with CMPP: 134 + 16');
});

t.test('an extension character costs two septets on GSM and one unit on UCS2: every part fits both', async (t) => {
  // 80 × '€': 160 septets (one SMPP part) but 160 UCS2 octets (over CMPP's 140).
  const cut = cutText('€'.repeat(80), [SMPP_GSM, CMPP_UCS2], 0, 10);
  t.same(cut, [0, 67, 80], 'CMPP holds 67 per part; SMPP would hold 76');
  t.same(cutText('€'.repeat(100), [{ ...SMPP_GSM, perPart: 20 }, CMPP_UCS2], 0, 10), [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
    'a GSM budget of 20 septets holds 10 of them');
});

t.test('a surrogate pair is never split between parts', async (t) => {
  const cut = cutText('😀'.repeat(40), [SMPP_UCS2, CMPP_UCS2], 0, 10);
  t.same(cut, [0, 66, 80], '67 units would split the 34th pair');
});

t.test('the carrier\'s reserve stays free in the last part', async (t) => {
  t.same(cutText('a'.repeat(268), [CMPP_ASCII], 5, 10), [0, 134, 139, 268], 'two full parts leave no room: the tail moves on to a third');
  t.same(cutText('a'.repeat(137), [CMPP_ASCII], 5, 10), [0, 134, 137], '3 + 5 fit the last part');
  t.same(cutText('a'.repeat(130), [CMPP_ASCII], 10, 10), [0, 130], 'one part: 130 + 10 fits 140');
});

t.test('more parts than allowed is TOO_MANY_PARTS, never a truncation', async (t) => {
  t.equal(cutText('a'.repeat(3 * 134), [SMPP_GSM, CMPP_ASCII], 0, 2), 'TOO_MANY_PARTS');
  t.same(cutText('a'.repeat(2 * 134), [SMPP_GSM, CMPP_ASCII], 0, 2), [0, 134, 268]);
});

t.test('ASCII is every character below 0x80', async (t) => {
  t.equal(isAscii('Code 1234 `~'), true);
  t.equal(isAscii('café'), false);
});
