/**
 * The preparer `pool.threads` asks for: inline on the I/O thread at 0, piscina threads above. A reload
 * that crosses 0 swaps one kind for the other; any other change is the preparer's own reconfigure.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import { InlinePreparer } from './inline-prepare.js';
import type { PreparePool } from './pool.js';

export type Preparer = PreparePool | InlinePreparer;

export interface PreparerOptions { logger: Logger; now: () => number }

export async function openPreparer(cfg: Config, opts: PreparerOptions): Promise<Preparer> {
  // piscina is loaded only for a pool: about 4 MB of RSS the inline default does without.
  return cfg.pool.threads === 0 ? new InlinePreparer(cfg, opts.now)
    : new (await import('./pool.js')).PreparePool(cfg, { logger: opts.logger, now: opts.now });
}

/**
 * Applies `cfg` to `current`, or opens the other kind, hands it to `use` (new work goes there from
 * then on) and closes `current`, whose queued batches finish first.
 */
export async function reconfigurePreparer(current: Preparer, cfg: Config, opts: PreparerOptions, use: (p: Preparer) => void): Promise<void> {
  const inline = current instanceof InlinePreparer;
  if (inline === (cfg.pool.threads === 0)) {
    await current.reconfigure(cfg);
    return;
  }
  const next = await openPreparer(cfg, opts);
  use(next);
  opts.logger.info(`prepare ${inline ? 'inline -> pool' : 'pool -> inline'}`);
  await current.close();
}
