/**
 * ReceiptExpiry against a real store: stop() waits for the call in flight, and no call starts after it,
 * so the daemon closes Redis only once the sweep is done with it.
 */
import t from 'tap';
import pino from 'pino';
import { ReceiptExpiry } from '../../src/pipeline/receipt-expiry.js';
import { InboundStore, type UnconfirmedCount } from '../../src/store/inbound-store.js';
import { jobOf, preparedJob } from '../helpers/prepared-job.js';
import { startStore } from '../helpers/store.js';
import { jobField } from '../helpers/job.js';

let clock = 1_700_000_000_000;
const { cfg, redis, store } = await startStore(t, { prefix: 'x:', now: () => clock });
await store.recover('d1', 'tok', 'start');

/** One mapping entry per script call, so a run over a few days' jobs is as many calls; counts the calls begun and answered. */
class OneAtATime extends InboundStore {
  begun = 0;
  answered = 0;
  onBegin: ((n: number) => void) | undefined;
  override async sweepUnconfirmed(carriers: string[]): Promise<UnconfirmedCount[]> {
    this.onBegin?.(++this.begun);
    const res = await super.sweepUnconfirmed(carriers, 1);
    this.answered++;
    return res;
  }
}

t.test('stop() during a run resolves once the call in flight has answered, and no call starts after it', async (t) => {
  const ids = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
  for (const id of ids) {
    await store.ingest([preparedJob(id)]);
    const claimed = await store.claim('d1', 'tok', 'cmcc', 10);
    await store.settle('d1', [{ act: 'ok', id, msgIds: [`m-${id}`], job: jobOf(claimed, id) }]);
    clock += 86_400_000; // a day apart: each job in a mapping bucket of its own, one bucket per call at limit 1
  }
  clock += (cfg.queue.receiptTtlDays + 2) * 86_400_000;
  const lines: string[] = [];
  const inbound = new OneAtATime(store, () => cfg, () => clock);
  const expiry = new ReceiptExpiry({ inboundStore: inbound, logger: pino({ level: 'warn' }, { write: (l: string) => { lines.push(l); } }) });
  let atStop: { begun: number; answered: number } | undefined;
  let stopped: Promise<void> | undefined;
  inbound.onBegin = (n) => {
    if (n !== 2) return;
    stopped = expiry.stop().then(() => { atStop = { begun: inbound.begun, answered: inbound.answered }; });
  };
  const ended = await expiry.sweep(['cmcc']);
  await stopped;
  t.same(atStop, { begun: 2, answered: 2 }, 'stop() resolved after the second call answered, and no third call began');
  t.equal(ended, 2, 'the run ended the jobs of the calls it made');
  t.same(await expiry.sweep(['cmcc']), 0, 'a run asked for after stop() does nothing');
  t.equal(inbound.begun, 2);
  const left = await Promise.all(ids.map((id) => jobField(redis, `x:job:${id}`, 'st')));
  t.equal(left.filter((s) => s === 'submitted').length, 4, 'the rest is left for the next daemon');
  t.notMatch(lines.join(''), /failed/, 'nothing logged a failure');
});
