import t from 'tap';
import { ConcatRefs } from '../../src/text/concat-ref.js';

t.test('references rotate per destination from a random seed', async (t) => {
  const refs = new ConcatRefs({ random: () => 0x00ff / 0x10000 });
  t.equal(refs.next('861', 8), 0xff);
  t.equal(refs.next('861', 8), 0x00, '8-bit references wrap at 256');
  t.equal(refs.next('862', 16), 0x00ff, 'another destination starts from its own seed');
  t.equal(refs.next('862', 16), 0x0100);
});

t.test('the table forgets the least recently used destination beyond its bound', async (t) => {
  let seed = 0;
  const refs = new ConcatRefs({ maxDestinations: 2, random: () => (seed++ * 100) / 0x10000 });
  refs.next('a', 16);
  refs.next('b', 16);
  refs.next('a', 16);
  refs.next('c', 16); // evicts b
  t.equal(refs.size, 2);
  t.equal(refs.next('a', 16), 2, 'a kept its sequence');
  t.equal(refs.next('b', 16), 300, 'b starts again from a fresh seed');
});
