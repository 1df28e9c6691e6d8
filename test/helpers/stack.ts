/**
 * The whole end-to-end stack for one test file: a private redis-server, the in-process simulator, an
 * ioredis client, a config written for them and `smppd run` as a child process, with one teardown
 * that SIGKILLs every daemon it spawned, then closes the client, the simulator and the server.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Test } from 'tap';
import { startSimulator } from '../../src/sim/index.js';
import type { SimBehaviours, SimCarrierOptions, Simulator } from '../../src/sim/types.js';
import { removeRedisDir, startRedis, type TestRedis } from './redis-server.js';
import { spawnSmppd, writeConfig, type Daemon } from './daemon.js';

/** A simulated carrier: its name, or its options with the port left out (0: a free one). */
export type StackCarrier = string | (Omit<SimCarrierOptions, 'port'> & { port?: number });

/** What writeConfig takes besides the Redis URL and the ports, which the stack fills in. */
export type StackConfigOptions = Omit<Parameters<typeof writeConfig>[0], 'redisUrl' | 'ports'>;

export interface StackOptions extends StackConfigOptions {
  /** The simulated carriers; default cmcc, cucc and ctcc with no behaviours. */
  carriers?: StackCarrier[];
  /** Behaviours by carrier name, merged over those given in `carriers`. */
  behaviours?: Record<string, SimBehaviours>;
  /** The simulated carriers the config names (default: every one). */
  configured?: string[];
  /** redis-server with an append-only file (for tests that restart it). */
  aof?: boolean;
  /** More redis-server arguments (startRedis). */
  redisArgs?: string[];
  /** Options of the test's own ioredis client. */
  redisOptions?: RedisOptions;
  /** Swallow the client's error events (for tests that stop the server on purpose). */
  ignoreRedisErrors?: boolean;
  /** Extra environment of the daemon; a function is called just before each spawn. */
  env?: Record<string, string> | (() => Record<string, string>);
  /** Spawn the daemon and wait until it runs (default true); with false, use `spawnDaemon`. */
  daemon?: boolean;
  /** How long to wait for "smppd running" (daemon.waitFor's default when not given). */
  readyTimeoutMs?: number;
}

export interface BareStack {
  srv: TestRedis;
  sim: Simulator;
  redis: Redis;
  /** The config file written for this stack. */
  config: string;
  /** Spawns `smppd run --config <config>` (the stack's config and env by default); the teardown SIGKILLs it. */
  spawnDaemon(opts?: { config?: string; env?: Record<string, string> }): Daemon;
}

export interface Stack extends BareStack {
  daemon: Daemon;
}

export async function startStack(t: Test, opts: StackOptions & { daemon: false }): Promise<BareStack>;
export async function startStack(t: Test, opts?: StackOptions & { daemon?: true }): Promise<Stack>;
export async function startStack(t: Test, opts: StackOptions = {}): Promise<BareStack | Stack> {
  const { carriers = ['cmcc', 'cucc', 'ctcc'], behaviours, configured, aof, redisArgs, redisOptions, ignoreRedisErrors, env, daemon: spawn = true, readyTimeoutMs, ...configOpts } = opts;
  const srv = await startRedis({ aof, ...(redisArgs ? { args: redisArgs } : {}) });
  const sim = await startSimulator({
    carriers: carriers.map((c) => {
      const { name, ...rest } = typeof c === 'string' ? { name: c } : c;
      const mine = behaviours?.[name];
      const b = rest.behaviours && mine ? { ...rest.behaviours, ...mine } : rest.behaviours ?? mine;
      return { name, port: 0, ...rest, ...(b ? { behaviours: b } : {}) };
    }),
  });
  const redis = redisOptions ? new Redis(srv.url, redisOptions) : new Redis(srv.url);
  if (ignoreRedisErrors) redis.on('error', () => { /* the server is stopped on purpose */ });
  const ports = configured ? Object.fromEntries(configured.map((name) => [name, sim.ports[name]!])) : sim.ports;
  const config = writeConfig({ ...configOpts, redisUrl: srv.url, ports });
  const daemons: Daemon[] = [];
  const spawnDaemon = (o: { config?: string; env?: Record<string, string> } = {}): Daemon => {
    const d = spawnSmppd(['run', '--config', o.config ?? config], o.env ?? (typeof env === 'function' ? env() : env));
    daemons.push(d);
    return d;
  };
  t.teardown(async () => {
    for (const d of daemons) { d.kill('SIGKILL'); await d.exited; }
    redis.disconnect();
    await sim.close();
    await srv.stop();
    removeRedisDir(srv);
  });
  const bare: BareStack = { srv, sim, redis, config, spawnDaemon };
  if (!spawn) return bare;
  const daemon = spawnDaemon();
  await daemon.waitFor(/smppd running/, readyTimeoutMs);
  return { ...bare, daemon };
}
