/**
 * The built-in SMSC simulator: several carriers, each an SMSC (SMPP) or an ISMG (CMPP) on its own
 * 127.0.0.1 port, sharing message-id counters and one list of every submit received.
 */
import pino, { type Logger } from 'pino';
import { SimCarrier } from './carrier.js';
import { CmppCarrier } from './cmpp-carrier.js';
import { CmppIdSource } from './cmpp-ids.js';
import { IdSource } from './ids.js';
import { TimerSet } from './timers.js';
import type { SimBehaviours, SimCarrierOptions, SimCarrierStats, SimSubmit, Simulator } from './types.js';

export const DEFAULT_SIM_CARRIERS: SimCarrierOptions[] = [
  { name: 'cmcc', port: 2775 },
  { name: 'cucc', port: 2776 },
  { name: 'ctcc', port: 2777 },
];

type SimStatus = 'starting' | 'running' | 'closing' | 'closed';

export interface SimulatorOptions {
  host?: string; // default 127.0.0.1
  carriers: SimCarrierOptions[];
  logger?: Logger;
  /** How many recent submits `submits` keeps (default 200 000, about 60 MB); a long run must not grow without end. */
  keepSubmits?: number;
}

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const logger = opts.logger ?? pino({ level: 'silent' });
  const host = opts.host ?? '127.0.0.1';
  const timers = new TimerSet();
  const submits: SimSubmit[] = [];
  let moRef = Math.floor(Math.random() * 256);
  const keepSubmits = Math.max(1, opts.keepSubmits ?? 200_000);
  const ctx = { ids: new IdSource(), cmppIds: new CmppIdSource(), submits, keepSubmits, timers, logger, nextMoRef: () => (moRef = (moRef + 1) & 0xff) };
  const carriers = new Map<string, SimCarrier | CmppCarrier>();
  for (const c of opts.carriers) {
    if (carriers.has(c.name)) throw new Error(`simulator: carrier ${c.name} given twice`);
    carriers.set(c.name, c.protocol === 'cmpp' ? new CmppCarrier(c, ctx) : new SimCarrier(c, ctx));
  }

  let status: SimStatus = 'starting';
  const setStatus = (to: SimStatus): void => {
    logger.info(`simulator ${status} -> ${to}`);
    status = to;
  };
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      setStatus('closing');
      timers.clear();
      await Promise.all([...carriers.values()].map((c) => c.close()));
      setStatus('closed');
    })();
    return closing;
  };

  const ports: Record<string, number> = {};
  try {
    for (const c of carriers.values()) ports[c.name] = await c.listen(host);
  } catch (err) {
    await close();
    throw err;
  }
  setStatus('running');

  const carrier = (name: string): SimCarrier | CmppCarrier => {
    const c = carriers.get(name);
    if (!c) throw new Error(`simulator: no carrier named ${name}`);
    return c;
  };

  return {
    ports,
    submits,
    stats(): Record<string, SimCarrierStats> {
      return Object.fromEntries([...carriers.values()].map((c) => [c.name, { ...c.stats }]));
    },
    sendMo: (name, mo) => carrier(name).sendMo(mo),
    setBehaviours: (name: string, b: SimBehaviours) => carrier(name).setBehaviours(b),
    disconnect: (name: string) => carrier(name).disconnect(),
    close,
  };
}
