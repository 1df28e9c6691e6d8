/** Worker side of timed-sink.ts: one simulated carrier 'sink', no receipts; answers the main thread. */
import { parentPort, workerData } from 'node:worker_threads';
import { startSimulator } from '../../src/sim/index.js';

const { keepSubmits } = workerData as { keepSubmits: number };
const sim = await startSimulator({ carriers: [{ name: 'sink', port: 0, behaviours: { receipt: 'never' } }], keepSubmits });
parentPort!.on('message', (msg: string) => {
  if (msg === 'count') parentPort!.postMessage({ count: sim.stats().sink!.submits });
  else if (msg === 'collect') void sim.close().then(() => parentPort!.postMessage({ at: sim.submits.map((s) => s.at) }));
});
parentPort!.postMessage({ port: sim.ports.sink! });
