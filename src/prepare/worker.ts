/** Piscina worker entry: prepares a batch of jobs. The Config arrives once, in workerData. */
import { workerData } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Config } from '../config/types.js';
import type { Prepared } from '../types.js';
import { buildPrepareContext, prepareOne, type PrepareContext, type PrepareTask } from './prepare.js';

let ctx: PrepareContext | undefined;

function context(): PrepareContext {
  if (ctx === undefined) ctx = buildPrepareContext((workerData as { config: Config }).config);
  return ctx;
}

/** Prepares a batch; the result is returned by piscina, its octets moved rather than copied. */
export default function prepareBatch(task: PrepareTask): Prepared[] {
  const c = context();
  const out: Prepared[] = new Array(task.raws.length);
  for (let i = 0; i < task.raws.length; i++) out[i] = prepareOne(task.raws[i], c, task);
  return movable(out);
}

/**
 * Copies every part of the batch into one ArrayBuffer that is transferred, not cloned. Cloning a
 * Buffer view copies its whole 8 KiB pool slab and the I/O thread pays for it on receipt.
 */
function movable(out: Prepared[]): Prepared[] {
  let total = 0;
  for (const p of out) if (p.ok) for (const part of p.parts) total += part.length;
  if (total === 0) return out;
  const ab = new ArrayBuffer(total);
  let o = 0;
  for (const p of out) {
    if (!p.ok) continue;
    for (let i = 0; i < p.parts.length; i++) {
      const view = new Uint8Array(ab, o, p.parts[i].length);
      view.set(p.parts[i]);
      p.parts[i] = view;
      o += view.length;
    }
  }
  // A Transferable marked movable: piscina posts `out` with `ab` in the transfer list.
  const transferable = { [Piscina.transferableSymbol]: [ab], [Piscina.valueSymbol]: out };
  return Piscina.move(transferable as never) as unknown as Prepared[];
}
