import t from 'tap';
import { startTimedSink } from '../../bench/lib/timed-sink.js';
import { TestClient } from '../sim/fixtures/client.js';

t.test('the rate section\'s sink, in a worker thread, times every submit_sm it takes over real TCP', async (t) => {
  const sink = await startTimedSink({ keepSubmits: 10 });
  t.teardown(() => sink.close());
  const c = await TestClient.bound(sink.port);
  t.teardown(() => c.close());
  const before = Date.now();
  for (let i = 0; i < 3; i++) t.equal((await c.submit()).command_status, 0);
  const after = Date.now();
  t.equal(await sink.count(), 3);
  const at = await sink.collectAndClose();
  t.equal(at.length, 3);
  t.ok(at.every((x) => x >= before && x <= after), 'arrival times fall while the submits were sent');
  t.same(at, [...at].sort((a, b) => a - b), 'in arrival order');
  await sink.close();
});
