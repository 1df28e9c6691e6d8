import t from 'tap';
import { oneCarrier } from './fixtures/helpers.js';

t.test('answers to a burst of submits leave at once, not behind Nagle waiting for a delayed ACK', async (t) => {
  const { bound } = await oneCarrier(t);
  const c = await bound();
  c.socket.setNoDelay(true);
  const fields = { source_addr: '10086', destination_addr: '8613800138000', short_message: Buffer.from('hello'), data_coding: 0 };
  const worst: number[] = [];
  for (let round = 0; round < 20; round++) {
    const started = performance.now();
    const seqs = Array.from({ length: 20 }, () => c.send('submit_sm', fields));
    await Promise.all(seqs.map((seq) => c.waitFor((p) => p.sequence_number === seq && p.isResponse())));
    worst.push(performance.now() - started);
  }
  // With Nagle on the simulator's socket every burst took 40+ ms: Linux delays an ACK up to 40 ms. A
  // loaded machine slows some bursts, so only the fastest of 20 is held to the bound.
  t.ok(Math.min(...worst) < 35, `fastest of 20 bursts of 20 answered in ${Math.min(...worst).toFixed(1)} ms`);
});
