/**
 * The rate section's sink: the built-in simulator in a worker thread of its own, so the arrival time
 * of each submit_sm is taken by an event loop that does nothing else. In the bench's main thread the
 * simulator's clock lagged the wire (tshark on lo) by up to 53 ms while the main thread XADDed the
 * jobs, which showed as 563 in one second at the sink with at most 500 on the wire.
 */
import { Worker } from 'node:worker_threads';

export interface TimedSink {
  port: number;
  /** submit_sm seen so far. */
  count(): Promise<number>;
  /** Epoch ms of every submit_sm's arrival, in arrival order; then the sink is closed. */
  collectAndClose(): Promise<number[]>;
  close(): Promise<void>;
}

type Reply = { port: number } | { count: number } | { at: number[] };

export async function startTimedSink(o: { keepSubmits: number }): Promise<TimedSink> {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const url = new URL(`./timed-sink-worker${ext}`, import.meta.url);
  // A worker thread started by `node --import tsx` does not get tsx's hooks (a .ts entry fails with
  // ERR_UNKNOWN_FILE_EXTENSION), so it registers them itself before importing the .ts worker.
  const load = ext === '.ts'
    ? `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(url.href)}); })`
    : `import(${JSON.stringify(url.href)})`;
  const worker = new Worker(load, { eval: true, workerData: o });
  // The worker answers in the order it was asked (the first answer, unasked, is its port).
  const waiting: { res(m: Reply): void; rej(e: Error): void }[] = [];
  worker.on('message', (m: Reply) => waiting.shift()?.res(m));
  worker.on('error', (e) => { for (const w of waiting.splice(0)) w.rej(e); });
  const ask = <T extends Reply>(msg?: string): Promise<T> => new Promise<T>((res, rej) => {
    waiting.push({ res: res as (m: Reply) => void, rej });
    if (msg) worker.postMessage(msg);
  });
  const { port } = await ask<{ port: number }>();
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await worker.terminate();
  };
  return {
    port,
    count: async () => (await ask<{ count: number }>('count')).count,
    collectAndClose: async () => {
      const { at } = await ask<{ at: number[] }>('collect');
      await close();
      return at;
    },
    close,
  };
}
