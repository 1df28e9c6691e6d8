/**
 * `smppd demo` (what `npm start` runs): the built-in simulator (three carriers over SMPP, China Mobile's
 * ISMG over CMPP), a Redis (found or started), the daemon on config/default.yaml (or --config), three
 * sample jobs, and their events as they happen.
 * It keeps running: push more with `smppd send` from another terminal; Ctrl-C stops it all.
 * Ports another process holds (a second demo) are given up for free ones, and the daemon's config
 * follows, so two demos run side by side.
 */
import { createServer } from 'node:net';
import { startSimulator, DEFAULT_SIM_CARRIERS, type SimCarrierOptions, type Simulator } from '../sim/index.js';
import { SmppdClient } from '../store/job-client.js';
import type { CarrierConfig, Config } from '../config/types.js';
import type { JobInput } from '../types.js';
import { redactUrl } from '../config/load.js';
import { demoStateDir, ensureDemoRedis, type DemoRedis } from './demo-redis.js';
import { exitFor } from './errors.js';
import { commandName } from './invocation.js';
import { Exit, type Io } from './io.js';
import { PACKAGE_ROOT } from './paths.js';
import { runDaemon } from './run.js';

export const SAMPLE_JOBS: JobInput[] = [
  { to: '13800138000', text: 'Your login code is 284913. It expires in 5 minutes.', class: 'otp', meta: { sample: 'otp' } },
  { to: '+86 186-1234-5678', text: 'Your parcel SF1024 is out for delivery today.', class: 'transactional', meta: { sample: 'parcel' } },
  { to: '0086 189 8765 4321', text: '【Acme】生日快乐！送您一张8折优惠券，本月有效。', class: 'marketing', quietHours: 'ignore', meta: { sample: 'coupon' } },
];

/**
 * The demo's simulated peers: the three carriers over SMPP and China Mobile's ISMG over CMPP 3.0, which
 * config/cmcc-cmpp.yaml sends to (config/default.yaml leaves it idle).
 */
export const DEMO_PEERS: SimCarrierOptions[] = [...DEFAULT_SIM_CARRIERS, { name: 'cmcc-cmpp', port: 2778, protocol: 'cmpp', version: '3.0' }];

/** The simulator on basePort, +1, … (default 2775); on free ports when one of those is taken. */
async function startDemoSimulator(basePort: number, log: (line: string) => void): Promise<Simulator> {
  const carriers = DEMO_PEERS.map((c, i) => ({ ...c, port: basePort + i }));
  try {
    return await startSimulator({ carriers });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
  }
  log(`ports ${basePort}-${basePort + carriers.length - 1} are taken (another demo or \`smppd simulate\`?): the simulator takes free ones`);
  return startSimulator({ carriers: carriers.map((c) => ({ ...c, port: 0 })) });
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

export async function demo(args: { config: string; pretty?: boolean; basePort?: number }, io: Io): Promise<number> {
  const basePort = args.basePort ?? DEFAULT_SIM_CARRIERS[0]!.port!;
  if (!Number.isInteger(basePort) || basePort < 1 || basePort > 65535 - DEMO_PEERS.length) {
    io.err(`smppd demo: --base-port must be a port number, got ${String(args.basePort)}`);
    return Exit.USAGE;
  }
  const say = (l: string): void => io.out(`demo: ${l}`);
  let redis: DemoRedis | undefined;
  let sim: Simulator;
  try {
    redis = await ensureDemoRedis(io.env, demoStateDir(io.env), say);
    sim = await startDemoSimulator(basePort, say);
    say(`simulator listening on ${Object.entries(sim.ports).map(([n, p]) => `${n}=127.0.0.1:${p}`).join(' ')}`);
  } catch (e) {
    await redis?.stop();
    const { code, line } = exitFor(e);
    io.err(line);
    return code;
  }
  const env = { ...io.env, REDIS_URL: redis.url };
  const ports = sim.ports;
  // A channel the simulator serves (named as one of its peers, or at a peer's usual port on this host) goes
  // to the peer's port as started; a taken metrics port to a free one.
  const peerAt = new Map(DEMO_PEERS.map((p) => [p.port, p.name]));
  const toSim = <T extends { name: string; host: string; port: number }>(ch: T): T => {
    const local = ch.host === '127.0.0.1' || ch.host === 'localhost';
    const peer = ports[ch.name] !== undefined ? ch.name : local ? peerAt.get(ch.port) : undefined;
    return peer === undefined ? ch : { ...ch, host: '127.0.0.1', port: ports[peer]! };
  };
  const moved = (c: CarrierConfig): CarrierConfig => ({ ...c, channels: c.channels.map(toSim) });
  const adjust = async (cfg: Config): Promise<Config> => ({
    ...cfg,
    carriers: cfg.carriers.map(moved),
    metrics: cfg.metrics.port > 0 && !(await portFree(cfg.metrics.host, cfg.metrics.port)) ? { ...cfg.metrics, port: 0 } : cfg.metrics,
  });
  const channelsOf = (c: CarrierConfig): string => (c.channels.length === 1 && c.channels[0]!.name === c.name
    ? `${c.channels[0]!.host}:${c.channels[0]!.port}`
    : c.channels.map((ch) => `${ch.name}(${ch.protocol})@${ch.host}:${ch.port}`).join(','));
  // Credentials of the user's REDIS_URL stay out of the hint: it names the variable instead.
  const hintUrl = redactUrl(redis.url) === redis.url ? redis.url : '"$REDIS_URL"';
  let follow = true;
  let following: Promise<void> | undefined;
  const code = await runDaemon({ config: args.config, pretty: args.pretty, logLevel: io.env.LOG_LEVEL ?? 'warn', adjust }, { ...io, env }, {
    onStarted: (app, cfg) => {
      say(`daemon on ${args.config}: carriers ${cfg.carriers.map((c) => `${c.name}=${channelsOf(c)}`).join(' ')}; ` +
        `metrics http://${cfg.metrics.host}:${app.metricsPort}/metrics`);
      following = (async () => {
        const client = new SmppdClient(redis.url, { prefix: cfg.redis.prefix });
        let from = await client.lastEventId();
        await client.pushMany(SAMPLE_JOBS);
        io.out(`demo: pushed ${SAMPLE_JOBS.length} sample jobs; events follow. Push more with:`);
        io.out(`demo:   ${commandName(io.script, PACKAGE_ROOT)} send --redis ${hintUrl} --to 13912345678 --text "hello" --wait 5000`);
        io.out('demo: Ctrl-C stops the daemon, the simulator and any private Redis.');
        while (follow) {
          const evs = await client.events(from, 100, 500).catch(() => []);
          for (const e of evs) {
            from = e.streamId;
            const v = e.value;
            const x = v as typeof v & { reason?: string; sendAt?: number; channel?: string };
            const why = x.reason ? `${x.reason} until ${new Date(x.sendAt ?? 0).toISOString()}` : '';
            const via = x.channel !== undefined && x.channel !== v.carrier ? `/${x.channel}` : '';
            io.out(`event: ${v.state.padEnd(13)} ${v.id} ${v.carrier ?? ''}${via} ${v.msgIds ? `msgIds=${v.msgIds.join(',')}` : ''} ${v.code ?? ''} ${why} ${v.meta ? JSON.stringify(v.meta) : ''}`.replace(/ +/g, ' ').trimEnd());
          }
        }
        await client.close();
      })().catch((e) => io.err(`demo: event follower stopped: ${(e as Error).message}`));
    },
  });
  follow = false;
  await following;
  await sim.close();
  await redis.stop();
  return code;
}
