import t from 'tap';
import { within } from '../../bench/lib/proc.js';

const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

t.test('within gives the promise’s value and leaves no timer behind', async (t) => {
  const before = timers();
  t.equal(await within(Promise.resolve(7), 60_000, 'too slow'), 7);
  t.equal(timers(), before, 'the 60 s timer is cleared, so it cannot hold the process open');
});

t.test('within rejects with its message when the promise is late', async (t) => {
  const never = new Promise<number>(() => {});
  await t.rejects(within(never, 20, 'bench: the sink never saw every submit_sm'), { message: 'bench: the sink never saw every submit_sm' });
});

t.test('within passes a rejection through and clears its timer', async (t) => {
  const before = timers();
  await t.rejects(within(Promise.reject(new Error('sink died')), 60_000, 'too slow'), { message: 'sink died' });
  t.equal(timers(), before);
});

t.test('a thread\'s CPU is its own: a busy worker thread adds to the process, not to its main thread', async (t) => {
  const { Worker } = await import('node:worker_threads');
  const { cpuUs, threadCpuUs } = await import('../../bench/lib/proc.js');
  const proc0 = cpuUs(process.pid);
  const main0 = threadCpuUs(process.pid);
  // The worker spins until told to stop; the main thread sleeps between looks at /proc.
  const w = new Worker('const { parentPort } = require("node:worker_threads"); let on = true; parentPort.on("message", () => { on = false; }); (function spin() { const end = Date.now() + 20; while (Date.now() < end); if (on) setImmediate(spin); else process.exit(0); })();', { eval: true });
  while (cpuUs(process.pid) - proc0 < 400_000) await new Promise((r) => setTimeout(r, 20));
  w.postMessage('stop');
  await new Promise((r) => w.once('exit', r));
  const proc = cpuUs(process.pid) - proc0;
  const main = threadCpuUs(process.pid) - main0;
  t.ok(proc >= 400_000, `the process used ${proc} µs`);
  t.ok(main < proc / 2, `its main thread ${main} µs of the process's ${proc}`);
});
