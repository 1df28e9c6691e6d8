/**
 * A stop made of named steps, each tried whatever the ones before it did: a step that fails is logged
 * with its name and the next one runs, so one piece that fails to stop never leaves the lease held or
 * Redis connections open.
 */
import type { Logger } from 'pino';

export type StopStep = readonly [name: string, run: () => unknown];

/** Runs every step in order; after the last, rejects with an AggregateError of each failure if there were any. */
export async function runStopSteps(steps: readonly StopStep[], logger: Logger): Promise<void> {
  const failed: string[] = [];
  const errors: unknown[] = [];
  for (const [step, run] of steps) {
    try {
      await run();
    } catch (err) {
      logger.error({ step, err }, `stop: ${step} failed; going on with the next step`);
      failed.push(step);
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, `stop: ${failed.length} step(s) failed: ${failed.join(', ')}`);
}

/**
 * Waits for every one of promises already started, then throws what failed (one error as it is, more
 * as an AggregateError). Promise.all would return at the first failure, before the others are done.
 */
export async function allOf(promises: readonly (Promise<unknown> | undefined)[]): Promise<void> {
  const errors = (await Promise.allSettled(promises)).flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} failed`);
}
