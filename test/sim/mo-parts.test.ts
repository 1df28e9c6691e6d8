import t from 'tap';
import { moParts } from '../../src/sim/mo-parts.js';
import { decodeMo } from '../../src/smpp/mo.js';
import { oneCarrier } from './fixtures/helpers.js';

t.test('a short GSM text is one part with data_coding 0 and no UDH', async (t) => {
  const [p, ...rest] = moParts('TD', 9);
  t.equal(rest.length, 0);
  t.match(p, { dataCoding: 0, esmClass: 0 });
  t.same([...p.shortMessage], [0x54, 0x44]);
});

t.test('a 161-septet GSM text becomes two parts of at most 153 septets, escapes unsplit', async (t) => {
  const text = 'a'.repeat(152) + '€' + 'b'.repeat(7); // the escape would straddle 152/153
  const parts = moParts(text, 42);
  t.equal(parts.length, 2);
  t.same([...parts[0].shortMessage.subarray(0, 6)], [5, 0, 3, 42, 2, 1]);
  t.equal(parts[0].shortMessage.length - 6, 152, 'the escape moved to part 2');
  t.same([...parts[1].shortMessage.subarray(6, 8)], [0x1b, 0x65]);
});

t.test('a non-GSM text goes as UCS2 parts of 67 units, surrogate pairs unsplit', async (t) => {
  const text = '退'.repeat(66) + '😀' + '订'.repeat(3); // 71 units: two parts
  const parts = moParts(text, 1);
  t.equal(parts.length, 2);
  t.equal(parts[0].dataCoding, 8);
  t.equal((parts[0].shortMessage.length - 6) / 2, 66);
  t.equal(parts[1].shortMessage.subarray(6, 10).toString('hex'), 'd83dde00');
});

t.test('sendMo delivers a long text as UDH parts that decode back to the text', async (t) => {
  const { sim, bound } = await oneCarrier(t);
  const c = await bound('receiver');
  const text = '回复TD退订 '.repeat(20); // 140 UCS2 units: 3 parts
  await sim.sendMo('sim', { from: '8613800138000', to: '10086', text });
  const mos = c.received.filter((r) => r.pdu.command === 'deliver_sm').map((r) => decodeMo(r.raw));
  t.equal(mos.length, 3);
  t.same(mos.map((m) => m.concat?.seq), [1, 2, 3]);
  t.ok(mos.every((m) => m.concat?.total === 3 && m.concat.ref === mos[0].concat?.ref && m.from === '8613800138000' && m.to === '10086'));
  t.equal(mos.map((m) => m.text).join(''), text);
});

t.test('sendMo fails when no receiver is bound, and when the client refuses it', async (t) => {
  const { sim, bound } = await oneCarrier(t);
  await t.rejects(sim.sendMo('sim', { from: '1', to: '2', text: 'TD' }), { code: 'NOT_BOUND' });
  const c = await bound();
  c.answerDeliver = () => 0x08;
  await t.rejects(sim.sendMo('sim', { from: '1', to: '2', text: 'TD' }), /status 0x8/);
  t.throws(() => sim.setBehaviours('nope', {}), /no carrier named nope/);
});
