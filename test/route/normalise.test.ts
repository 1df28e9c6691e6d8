import t from 'tap';
import { normaliseNumber } from '../../src/route/normalise.js';

t.test('every accepted way of writing a Chinese mobile gives the same E.164 number', async (t) => {
  for (const raw of [
    '13800138000',
    '+8613800138000',
    '008613800138000',
    '8613800138000',
    '86 138-0013-8000',
    '+86 (138) 0013.8000',
    ' 138 0013 8000 ',
  ]) {
    t.equal(normaliseNumber(raw), '+8613800138000', raw);
  }
});

t.test('foreign numbers in +CC or 00CC form are kept when E.164 allows them', async (t) => {
  t.equal(normaliseNumber('+44 7911 123456'), '+447911123456');
  t.equal(normaliseNumber('001 (415) 555-2671'), '+14155552671');
  t.equal(normaliseNumber('+8529123 4567'), '+85291234567');
});

t.test('another home country takes national numbers as its own', async (t) => {
  t.equal(normaliseNumber('07911 123456', '44'), '+447911123456');
  t.equal(normaliseNumber('7911123456', '44'), '+447911123456');
});

t.test('invalid numbers give null', async (t) => {
  for (const raw of [
    '',
    '1380013800', // 10 digits
    '138001380001', // 12 digits
    '12800138000', // 1[3-9] required
    '+8612800138000',
    '+86010123456', // a Beijing landline: mobiles only
    '+1234567', // 7 digits: under E.164's 8
    '+1234567890123456', // 16 digits
    '13800l38000',
    '+86 138 0013 8000 ext 1',
    '++8613800138000',
  ]) {
    t.equal(normaliseNumber(raw), null, JSON.stringify(raw));
  }
  t.equal(normaliseNumber(12345 as unknown as string), null, 'a number type');
});
