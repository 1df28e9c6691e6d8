import t from 'tap';
import { ConcatRefs } from '../../src/text/concat-ref.js';
import { segmentText, type SegmentOptions, type Segmented } from '../../src/text/segment.js';

const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');
const ref42 = (): ConcatRefs => new ConcatRefs({ random: () => 0x2a / 0x10000 });
const ref1234 = (): ConcatRefs => new ConcatRefs({ random: () => 0x1234 / 0x10000 });
const opts = (over: Partial<SegmentOptions> = {}): SegmentOptions => ({ concat: 'udh8', maxParts: 10, refs: ref42(), dest: '8613800138000', ...over });

function ok(r: Segmented | 'TOO_MANY_PARTS'): Segmented {
  if (r === 'TOO_MANY_PARTS') throw new Error('unexpected TOO_MANY_PARTS');
  return r;
}
const a = (n: number): string => 'a'.repeat(n);
const zh = (n: number): string => '中'.repeat(n);

t.test('160 GSM characters fit one part without a UDH', async (t) => {
  const r = ok(segmentText(a(160), opts()));
  t.equal(r.alphabet, 'gsm');
  t.equal(r.esmClass, 0);
  t.equal(r.parts.length, 1);
  t.equal(hex(r.parts[0].shortMessage), '61'.repeat(160));
});

t.test('161 GSM characters make two parts of 153 and 8 with an 8-bit-reference UDH', async (t) => {
  const r = ok(segmentText(a(161), opts()));
  t.equal(r.esmClass, 0x40);
  t.same(r.parts.map((p) => hex(p.shortMessage)), ['0500032a0201' + '61'.repeat(153), '0500032a0202' + '61'.repeat(8)]);
});

t.test('an extension character on the 153rd septet moves whole to the next part', async (t) => {
  for (const ch of ['€', '[', '^']) {
    const r = ok(segmentText(a(152) + ch + 'bbbbbbbbbb', opts()));
    t.equal(r.parts.length, 2, ch);
    t.equal(r.parts[0].shortMessage.length, 6 + 152, `${ch}: the first part stops before the escape`);
    t.equal(hex(r.parts[1].shortMessage).slice(12, 16), '1b' + { '€': '65', '[': '3c', '^': '14' }[ch], `${ch}: the pair opens part 2`);
  }
});

t.test('70 UCS2 units fit one part; 71 make two of 67 and 4', async (t) => {
  const one = ok(segmentText(zh(70), opts()));
  t.equal(one.alphabet, 'ucs2');
  t.same(one.parts.map((p) => hex(p.shortMessage)), ['4e2d'.repeat(70)]);
  const two = ok(segmentText(zh(71), opts()));
  t.same(two.parts.map((p) => hex(p.shortMessage)), ['0500032a0201' + '4e2d'.repeat(67), '0500032a0202' + '4e2d'.repeat(4)]);
});

t.test('an emoji on the 67th unit is never split from its low surrogate', async (t) => {
  const r = ok(segmentText(zh(66) + '😀' + zh(5), opts()));
  t.same(r.parts.map((p) => hex(p.shortMessage)), ['0500032a0201' + '4e2d'.repeat(66), '0500032a0202' + 'd83dde00' + '4e2d'.repeat(5)]);
});

t.test('mixed Chinese and Latin text is UCS2 big-endian', async (t) => {
  const r = ok(segmentText('验证码123456，OK', opts()));
  t.equal(hex(r.parts[0].shortMessage), '9a8c8bc17801003100320033003400350036ff0c004f004b');
});

t.test('a 16-bit-reference UDH leaves 152 septets per part', async (t) => {
  const r = ok(segmentText(a(161), opts({ concat: 'udh16', refs: ref1234() })));
  t.same(r.parts.map((p) => hex(p.shortMessage)), ['0608041234020' + '1' + '61'.repeat(152), '060804123402' + '02' + '61'.repeat(9)]);
});

t.test('SAR splits at 153 with no UDH and the three sar TLVs', async (t) => {
  const r = ok(segmentText(a(161), opts({ concat: 'sar', refs: ref1234() })));
  t.equal(r.esmClass, 0);
  t.same(r.parts.map((p) => hex(p.shortMessage)), ['61'.repeat(153), '61'.repeat(8)]);
  t.same(r.parts[1].tlvs!.map((x) => [x.tag, hex(x.value)]), [[0x020c, '1234'], [0x020e, '02'], [0x020f, '02']]);
});

t.test('payload mode sends one empty short_message with the whole text in message_payload', async (t) => {
  const r = ok(segmentText(a(161), opts({ concat: 'payload' })));
  t.equal(r.parts.length, 1);
  t.equal(r.parts[0].shortMessage.length, 0);
  t.equal(r.parts[0].tlvs![0].tag, 0x0424);
  t.equal(hex(r.parts[0].tlvs![0].value), '61'.repeat(161));
  t.equal(r.billedParts, 2);
});

t.test('a text needing more than maxParts is rejected, never truncated', async (t) => {
  t.equal(segmentText(a(153 * 3), opts({ maxParts: 3 })).constructor, Object);
  t.equal(segmentText(a(153 * 3 + 1), opts({ maxParts: 3 })), 'TOO_MANY_PARTS');
  t.equal(segmentText(a(153 * 3 + 1), opts({ maxParts: 3, concat: 'payload' })), 'TOO_MANY_PARTS');
});

t.test('the carrier signature reserve keeps room in the single or the last part', async (t) => {
  t.equal(ok(segmentText(a(158), opts({ reserve: 2 }))).parts.length, 1);
  const two = ok(segmentText(a(155), opts({ reserve: 10 })));
  t.same(two.parts.map((p) => p.shortMessage.length - 6), [153, 2]);
  const three = ok(segmentText(a(300), opts({ reserve: 10 })));
  const sizes = three.parts.map((p) => p.shortMessage.length - 6);
  t.equal(sizes.reduce((x, y) => x + y), 300, 'no character lost');
  t.ok(sizes[sizes.length - 1] + 10 <= 153, 'the last part has room for the reserve');
});

t.test('consecutive long messages to one destination get consecutive references', async (t) => {
  const o = opts();
  const r1 = ok(segmentText(a(200), o));
  const r2 = ok(segmentText(a(200), o));
  t.equal(r1.parts[0].shortMessage[3], 0x2a);
  t.equal(r2.parts[0].shortMessage[3], 0x2b);
});
