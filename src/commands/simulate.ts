/** `smppd simulate`: the built-in three-carrier SMSC simulator, until SIGTERM/SIGINT. */
import { startSimulator, DEFAULT_SIM_CARRIERS } from '../sim/index.js';
import type { SimBehaviours } from '../sim/index.js';
import { createLogger } from '../obs/logger.js';
import { SmppdError } from '../errors.js';
import { exitFor } from './errors.js';
import { Exit, type Io } from './io.js';

export interface SimulateArgs { basePort?: number; behaviours?: string; pretty?: boolean }

/** `--behaviours '{"cmcc":{"throttlePct":5}}'` */
export function parseBehaviours(json: string | undefined): Record<string, SimBehaviours> {
  if (!json) return {};
  const v = JSON.parse(json) as unknown;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('--behaviours must be a JSON object keyed by carrier');
  return v as Record<string, SimBehaviours>;
}

export async function simulate(args: SimulateArgs, io: Io): Promise<number> {
  let behaviours: Record<string, SimBehaviours>;
  try {
    behaviours = parseBehaviours(args.behaviours);
  } catch (e) {
    io.err(`smppd simulate: ${(e as Error).message}`);
    return Exit.USAGE;
  }
  const logger = createLogger({ pretty: args.pretty });
  const carriers = DEFAULT_SIM_CARRIERS.map((c, i) => ({
    ...c, port: args.basePort === undefined ? c.port : args.basePort + i, behaviours: behaviours[c.name],
  }));
  let sim;
  try {
    sim = await startSimulator({ carriers, logger });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    const ports = carriers.map((c) => c.port).join(', ');
    const { code, line } = exitFor(new SmppdError('SIM_PORT_IN_USE', `one of ports ${ports} is taken (${(e as Error).message}): is a demo or another \`smppd simulate\` running? --base-port moves them`));
    io.err(line);
    return code;
  }
  io.out(`simulator listening: ${Object.entries(sim.ports).map(([n, p]) => `${n}=127.0.0.1:${p}`).join(' ')}`);
  await io.untilSignal();
  await sim.close();
  io.out(`simulator stopped: ${JSON.stringify(sim.stats())}`);
  return Exit.OK;
}
