import t from 'tap';
import { gsmDecode, gsmEncode, gsmSeptetLength, isGsm } from '../../src/text/gsm.js';

const hex = (u: Uint8Array | null): string | null => (u === null ? null : Buffer.from(u).toString('hex'));

t.test('basic characters map to their GSM 03.38 septets', async (t) => {
  t.equal(hex(gsmEncode('@£$¥')), '00010203');
  t.equal(hex(gsmEncode('Hello 1')), '48656c6c6f2031');
  t.equal(hex(gsmEncode('ΔÆäà\n\r')), '101c7b7f0a0d');
});

t.test('extension characters cost two septets: escape 0x1B then the table value', async (t) => {
  t.equal(hex(gsmEncode('€[]^{}\\~|')), '1b651b3c1b3e1b141b281b291b2f1b3d1b40');
  t.equal(gsmSeptetLength('a€'), 3);
});

t.test('a character outside the alphabet gives null, never a substitute', async (t) => {
  t.equal(gsmEncode('price: 5 `'), null);
  t.equal(gsmEncode('中'), null);
  t.equal(gsmEncode('😀'), null);
  t.equal(gsmSeptetLength('ç'), -1); // only Ç (capital) is in the default alphabet
  t.notOk(isGsm('ç'));
});

t.test('encoding then decoding gives the text back', async (t) => {
  const text = 'Your code is 1234. €5 [ok] {x} ~y| ^z\\ ÅåØøÆæ';
  t.equal(gsmDecode(gsmEncode(text)!), text);
});
