import t from 'tap';
import { captureSubmits, submitTimesFromFields, tsharkAvailable } from '../../bench/lib/wire-capture.js';
import { startTimedSink } from '../../bench/lib/timed-sink.js';
import { TestClient } from '../sim/fixtures/client.js';

t.test('tshark\'s field lines give one time per submit_sm, several per segment, other PDUs left out', async (t) => {
  const text = [
    '1795768149.114327540\t0x00000004,0x00000004,0x00000004',
    '1795768149.000000000\t0x00000009', // bind_transceiver
    '1795768149.254894574\t0x00000015,0x00000004', // enquire_link, then a submit_sm
    '',
    '1795768149.3\t', // a segment with no whole PDU
  ].join('\n');
  const at = submitTimesFromFields(text);
  t.equal(at.length, 4);
  t.same(at.map((x) => Math.round(x)), [1795768149114, 1795768149114, 1795768149114, 1795768149255]);
});

t.test('a capture on the loopback times every submit_sm sent to the port', { skip: !tsharkAvailable() && 'tshark is not installed' }, async (t) => {
  const sink = await startTimedSink({ keepSubmits: 10 });
  t.teardown(() => sink.close());
  const cap = await captureSubmits(sink.port);
  const c = await TestClient.bound(sink.port);
  t.teardown(() => c.close());
  const before = Date.now();
  for (let i = 0; i < 3; i++) t.equal((await c.submit()).command_status, 0);
  const after = Date.now();
  const at = await cap.stop();
  t.equal(at.length, 3);
  t.ok(at.every((x) => x >= before - 5 && x <= after + 5), 'capture times fall while the submits were sent');
});
