/**
 * The real daemon for the care end-to-end tests: a private redis-server, the in-process simulator
 * (cmcc, cucc, ctcc) and `smppd run` as a child process whose clock is shifted to a chosen instant.
 */
import type { Redis } from 'ioredis';
import type { Test } from 'tap';
import type { SimBehaviours, Simulator } from '../../src/sim/types.js';
import type { TestRedis } from '../helpers/redis-server.js';
import { readEvents, type Daemon, type Ev } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

export interface CareRig {
  srv: TestRedis;
  sim: Simulator;
  redis: Redis;
  daemon: Daemon;
  clockOffsetMs: number;
  /** The daemon's clock now. */
  fakeNow(): number;
  push(job: Record<string, unknown>): Promise<void>;
  /** Events of one job, waiting until `done` holds for them. */
  eventsOf(id: string, done: (evs: Ev[]) => boolean, timeoutMs?: number): Promise<Ev[]>;
}

/** Starts everything with the daemon's clock reading `clockAtSpawnMs` at spawn time. */
export async function startCareRig(t: Test, opts: {
  clockAtSpawnMs: number; care?: Record<string, unknown>; behaviours?: Record<string, SimBehaviours>;
}): Promise<CareRig> {
  let clockOffsetMs = 0;
  const { srv, sim, redis, daemon } = await startStack(t, {
    behaviours: opts.behaviours,
    extra: opts.care ? { care: opts.care } : {},
    // Taken at spawn time, so that the daemon's clock reads clockAtSpawnMs as it starts.
    env: () => {
      clockOffsetMs = opts.clockAtSpawnMs - Date.now();
      return { SMPPD_CLOCK_OFFSET_MS: String(clockOffsetMs) };
    },
  });
  return {
    srv, sim, redis, daemon, clockOffsetMs,
    fakeNow: () => Date.now() + clockOffsetMs,
    push: async (job) => { await redis.xadd('smppd:jobs', '*', 'job', JSON.stringify(job)); },
    eventsOf: async (id, done, timeoutMs = 15_000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const evs = (await readEvents(redis)).filter((e) => e.id === id);
        if (done(evs)) return evs;
        if (Date.now() > until) throw new Error(`timed out on ${id}: ${JSON.stringify(evs)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** Sleeps until the daemon's clock has passed `ms`. */
export async function untilClock(rig: CareRig, ms: number): Promise<void> {
  const wait = ms - rig.fakeNow();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait + 50));
}

/** Waits until the daemon has bound to the simulator's `carrier` (an MO needs a bound receiver). */
export async function untilBound(rig: CareRig, carrier: string, timeoutMs = 20_000): Promise<void> {
  await until(`the daemon bound to ${carrier}`, () => (rig.sim.stats()[carrier]?.binds ?? 0) > 0, timeoutMs);
}

export const has = (state: string) => (evs: Ev[]): boolean => evs.some((e) => e.state === state);
