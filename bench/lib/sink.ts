/**
 * The SMSC sink the benchmarks send to: the fast C simulator (tools/smsc-sim, libsmpp34), built once
 * in a temp copy, when its source and libsmpp34 are present; otherwise the built-in simulator (src/sim)
 * in this process. Both listen on 127.0.0.1 only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../../src/sim/index.js';
import type { Simulator } from '../../src/sim/types.js';
import { freePort } from '../../test/helpers/redis-server.js';

export const SMSC_SIM_SRC = process.env.SMSC_SIM_SRC ?? '/work/shared/tools/smsc-sim';
const BUILD_DIR = join(tmpdir(), 'smppd-bench-smsc-sim');

export interface SinkOptions {
  expect: number; // `reached` resolves when this many submit_sm have arrived
  receipts: boolean; // a DELIVRD receipt per submit_sm that asks for one
  receiptDelayMs?: number;
  respDelayMs?: number;
  prefer?: 'c' | 'builtin';
  /** The built-in simulator as a CMPP ISMG (the C sink speaks only SMPP): implies 'builtin'. */
  cmpp?: { version: '2.0' | '3.0'; spId: string; secret: string };
}

export interface Sink {
  kind: string;
  port: number;
  pid: number | undefined; // the C sink's process (undefined: in this process)
  /** Epoch ms at which the sink saw the expected number of submit_sm. */
  reached: Promise<number>;
  close(): Promise<string>;
}

/** Path of a built smsc-sim binary, building it on first use; undefined when it cannot be built. */
export function smscSimBinary(): string | undefined {
  const bin = join(BUILD_DIR, 'smsc-sim');
  if (existsSync(bin)) return bin;
  if (!existsSync(join(SMSC_SIM_SRC, 'smsc-sim.c'))) return undefined;
  mkdirSync(BUILD_DIR, { recursive: true });
  cpSync(SMSC_SIM_SRC, BUILD_DIR, { recursive: true });
  const r = spawnSync('make', ['-C', BUILD_DIR], { encoding: 'utf8' });
  return r.status === 0 && existsSync(bin) ? bin : undefined;
}

export async function startSink(o: SinkOptions): Promise<Sink> {
  const bin = o.prefer === 'builtin' || o.cmpp ? undefined : smscSimBinary();
  return bin ? startC(bin, o) : startBuiltin(o);
}

async function startC(bin: string, o: SinkOptions): Promise<Sink> {
  const port = await freePort();
  const args = ['--host', '127.0.0.1', '--port', String(port), '--expect', String(o.expect),
    '--dlr', o.receipts ? 'requested' : 'off', '--dlr-delay-ms', String(o.receiptDelayMs ?? 0),
    '--resp-delay-ms', String(o.respDelayMs ?? 0), '--dlr-window', '5000'];
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const reached = new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /EXPECT_REACHED submit_sm=\d+ epoch=([\d.]+)/.exec(out);
      if (m) resolve(Number(m[1]) * 1000);
    });
    child.once('exit', (code) => reject(new Error(`smsc-sim exited (${code}) before ${o.expect} submit_sm:\n${out}`)));
  });
  reached.catch(() => undefined);
  child.stderr!.on('data', () => undefined);
  await waitListening(port);
  return {
    kind: 'smsc-sim (C, libsmpp34)', port, pid: child.pid, reached,
    close: () => new Promise<string>((res) => {
      if (child.exitCode !== null) { res(out); return; }
      child.once('exit', () => res(out));
      child.kill('SIGTERM');
    }),
  };
}

async function startBuiltin(o: SinkOptions): Promise<Sink> {
  const sim: Simulator = await startSimulator({
    carriers: [{ name: 'sink', port: 0, ...(o.cmpp ? { protocol: 'cmpp' as const, ...o.cmpp } : {}), behaviours: {
      receipt: o.receipts ? 'on-request' : 'never', receiptDelayMs: o.receiptDelayMs ?? 0, slowMs: o.respDelayMs ?? 0,
    } }],
    keepSubmits: 1000, // `reached` reads the count and the last one's time: more would be garbage in this process
  });
  let timer: NodeJS.Timeout | undefined;
  const reached = new Promise<number>((resolve) => {
    timer = setInterval(() => {
      if (sim.stats().sink!.submits >= o.expect) { clearInterval(timer); resolve(sim.submits[sim.submits.length - 1]?.at ?? Date.now()); }
    }, 5);
  });
  return {
    kind: `built-in simulator (src/sim, in the bench process${o.cmpp ? `, CMPP ${o.cmpp.version}` : ''})`, port: sim.ports.sink!, pid: undefined, reached,
    close: async () => { clearInterval(timer); await sim.close(); return JSON.stringify(sim.stats()); },
  };
}

async function waitListening(port: number): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((res) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); res(true); });
      s.once('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`sink did not listen on 127.0.0.1:${port}`);
}
