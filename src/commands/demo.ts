/**
 * `smppd demo` (what `npm start` runs): the built-in three-carrier simulator, a Redis (found or
 * started), the daemon on config/default.yaml, three sample jobs, and their events as they happen.
 * It keeps running: push more with `smppd send` from another terminal; Ctrl-C stops it all.
 */
import { join } from 'node:path';
import { startSimulator, DEFAULT_SIM_CARRIERS } from '../sim/index.js';
import { SmppdClient } from '../store/job-client.js';
import type { JobInput } from '../types.js';
import { SmppdError } from '../errors.js';
import { ensureDemoRedis } from './demo-redis.js';
import { exitFor } from './errors.js';
import type { Io } from './io.js';
import { PACKAGE_ROOT } from './paths.js';
import { runDaemon } from './run.js';

export const SAMPLE_JOBS: JobInput[] = [
  { to: '13800138000', text: 'Your login code is 284913. It expires in 5 minutes.', class: 'otp', meta: { sample: 'otp' } },
  { to: '+86 186-1234-5678', text: 'Your parcel SF1024 is out for delivery today.', class: 'transactional', meta: { sample: 'parcel' } },
  { to: '0086 189 8765 4321', text: '【Acme】生日快乐！送您一张8折优惠券，本月有效。', class: 'marketing', quietHours: 'ignore', meta: { sample: 'coupon' } },
];

export async function demo(args: { config: string; pretty?: boolean }, io: Io): Promise<number> {
  let redis;
  let sim;
  try {
    redis = await ensureDemoRedis(io.env, join(PACKAGE_ROOT, '.smppd-demo'), (l) => io.out(`demo: ${l}`));
    sim = await startSimulator({ carriers: DEFAULT_SIM_CARRIERS }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EADDRINUSE') throw e;
      throw new SmppdError('SIM_PORT_IN_USE', `the simulator's ports 2775-2777 are taken (${e.message}): is another demo or \`smppd simulate\` running?`);
    });
    io.out(`demo: simulator listening on ${Object.entries(sim.ports).map(([n, p]) => `${n}=127.0.0.1:${p}`).join(' ')}`);
  } catch (e) {
    await redis?.stop();
    const { code, line } = exitFor(e);
    io.err(line);
    return code;
  }
  const env = { ...io.env, REDIS_URL: redis.url };
  let follow = true;
  let following: Promise<void> | undefined;
  const code = await runDaemon({ config: args.config, pretty: args.pretty, logLevel: io.env.LOG_LEVEL ?? 'warn' }, { ...io, env }, {
    onStarted: (_app, cfg) => {
      following = (async () => {
        const client = new SmppdClient(redis.url, { prefix: cfg.redis.prefix });
        let from = await client.lastEventId();
        await client.pushMany(SAMPLE_JOBS);
        io.out(`demo: pushed ${SAMPLE_JOBS.length} sample jobs; events follow. Push more with:`);
        io.out(`demo:   node dist/src/main.js send --redis ${redis.url} --to 13912345678 --text "hello" --wait 5000`);
        io.out('demo: Ctrl-C stops the daemon, the simulator and any private Redis.');
        while (follow) {
          const evs = await client.events(from, 100, 500).catch(() => []);
          for (const e of evs) {
            from = e.streamId;
            const v = e.value;
            const x = v as typeof v & { reason?: string; sendAt?: number };
            const why = x.reason ? `${x.reason} until ${new Date(x.sendAt ?? 0).toISOString()}` : '';
            io.out(`event: ${v.state.padEnd(13)} ${v.id} ${v.carrier ?? ''} ${v.msgIds ? `msgIds=${v.msgIds.join(',')}` : ''} ${v.code ?? ''} ${why} ${v.meta ? JSON.stringify(v.meta) : ''}`.replace(/ +/g, ' ').trimEnd());
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
