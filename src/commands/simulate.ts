/** `smppd simulate`: the built-in three-carrier SMSC simulator (any of them a CMPP ISMG), until SIGTERM/SIGINT. */
import { startSimulator, DEFAULT_SIM_CARRIERS } from '../sim/index.js';
import type { SimBehaviours, Simulator } from '../sim/index.js';
import { createLogger } from '../obs/logger.js';
import { SmppdError } from '../errors.js';
import { exitFor } from './errors.js';
import { Exit, type Io } from './io.js';

export interface SimulateArgs { basePort?: number; behaviours?: string; cmpp?: string; pretty?: boolean }

/** `--behaviours '{"cmcc":{"throttlePct":5}}'` */
export function parseBehaviours(json: string | undefined): Record<string, SimBehaviours> {
  if (!json) return {};
  const v = JSON.parse(json) as unknown;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('--behaviours must be a JSON object keyed by carrier');
  return v as Record<string, SimBehaviours>;
}

/**
 * `--cmpp cmcc:3.0,ctcc`: those carriers play a CMPP ISMG (version 2.0 unless given) on their port;
 * logins are not checked (any SP id and secret are accepted).
 */
export function parseCmpp(spec: string | undefined): Record<string, '2.0' | '3.0'> {
  const out: Record<string, '2.0' | '3.0'> = {};
  for (const item of (spec ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    const [name, version = '2.0', extra] = item.split(':');
    if (!DEFAULT_SIM_CARRIERS.some((c) => c.name === name)) {
      throw new Error(`--cmpp: no carrier named ${name} (${DEFAULT_SIM_CARRIERS.map((c) => c.name).join(', ')})`);
    }
    if ((version !== '2.0' && version !== '3.0') || extra !== undefined) throw new Error(`--cmpp: ${item} is not name or name:2.0 or name:3.0`);
    out[name] = version;
  }
  return out;
}

export async function simulate(args: SimulateArgs, io: Io): Promise<number> {
  let behaviours: Record<string, SimBehaviours>;
  let cmpp: Record<string, '2.0' | '3.0'>;
  try {
    behaviours = parseBehaviours(args.behaviours);
    cmpp = parseCmpp(args.cmpp);
  } catch (e) {
    io.err(`smppd simulate: ${(e as Error).message}`);
    return Exit.USAGE;
  }
  const logger = createLogger({ pretty: args.pretty });
  const carriers = DEFAULT_SIM_CARRIERS.map((c, i) => ({
    ...c, port: args.basePort === undefined ? c.port : args.basePort + i, behaviours: behaviours[c.name],
    ...(cmpp[c.name] ? { protocol: 'cmpp' as const, version: cmpp[c.name] } : {}),
  }));
  let sim: Simulator;
  try {
    sim = await startSimulator({ carriers, logger });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    const ports = carriers.map((c) => c.port).join(', ');
    const { code, line } = exitFor(new SmppdError('SIM_PORT_IN_USE', `one of ports ${ports} is taken (${(e as Error).message}): is a demo or another \`smppd simulate\` running? --base-port moves them`));
    io.err(line);
    return code;
  }
  io.out(`simulator listening: ${Object.entries(sim.ports).map(([n, p]) => `${n}=127.0.0.1:${p}${cmpp[n] ? ` (cmpp ${cmpp[n]})` : ''}`).join(' ')}`);
  await io.untilSignal();
  await sim.close();
  io.out(`simulator stopped: ${JSON.stringify(sim.stats())}`);
  return Exit.OK;
}
