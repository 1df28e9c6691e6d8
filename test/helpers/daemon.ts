/**
 * The daemon as a real child process (`node --import tsx src/main.ts run`), a YAML config written for
 * it, and helpers to read the events it writes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { Redis } from 'ioredis';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A config for the simulator's ports; `extra` is merged at the top level, `carrier` into each carrier. */
export function writeConfig(opts: {
  redisUrl: string; ports: Record<string, number>; prefix?: string; extra?: Record<string, unknown>;
  carrier?: Record<string, unknown>; perCarrier?: Record<string, Record<string, unknown>>;
}): string {
  const dir = mkdtempSync(join(tmpdir(), 'smppd-cfg-'));
  const prefixes: Record<string, string[]> = { cmcc: ['86134', '86135', '86136', '86137', '86138', '86139', '86150'], cucc: ['86130', '86131', '86132', '86186'], ctcc: ['86133', '86153', '86189'] };
  const cfg = {
    instanceId: 'test-daemon',
    redis: { url: opts.redisUrl, prefix: opts.prefix ?? 'smppd:' },
    metrics: { host: '127.0.0.1', port: 0 },
    log: { level: 'info' },
    pool: { threads: 1, batchSize: 100 },
    queue: { leaseMs: 3000 },
    routing: { countryCode: '86', default: 'cmcc' },
    shutdown: { drainMs: 3000 },
    ...opts.extra,
    carriers: Object.entries(opts.ports).map(([name, port]) => ({
      name, host: '127.0.0.1', port, systemId: 'smppd', password: 'pw', windowSize: 20, tps: 1000,
      responseTimeoutMs: 2000, reconnectMinMs: 100, reconnectMaxMs: 1000, bindTimeoutMs: 2000,
      prefixes: prefixes[name] ?? [], ...opts.carrier, ...opts.perCarrier?.[name],
    })),
  };
  const file = join(dir, 'smppd.yaml');
  writeFileSync(file, stringify(cfg), { mode: 0o600 }); // its passwords are plain strings: kept from others, as in production
  return file;
}

export interface Daemon {
  child: ChildProcess;
  output(): string;
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(sig?: NodeJS.Signals): void;
}

/**
 * For a child run through tsx: no tap coverage from it. tsx writes its source maps without the source text
 * (`sourcesContent: [null]`), and c8 keeps one source map per file, from whichever .tap/coverage file it reads
 * last (directory order, random names): when a child's map wins, v8-to-istanbul reads the file as empty and
 * counts it as one covered line with no functions, so the report loses every src/ file the child loaded, by
 * chance (functions 29 % < 79 %). tsx's byte offsets would not match the test processes' compilation anyway.
 */
export const NO_CHILD_COVERAGE = { _TAPJS_PROCESSINFO_COVERAGE_: '0' };

export function spawnSmppd(args: string[], env: Record<string, string> = {}): Daemon {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main.ts'), ...args], {
    cwd: ROOT, env: { ...process.env, ...NO_CHILD_COVERAGE, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.once('exit', (code, signal) => res({ code, signal })));
  return {
    child,
    output: () => out,
    exited,
    kill: (sig = 'SIGTERM') => { if (child.exitCode === null && child.signalCode === null) child.kill(sig); },
    waitFor: async (re, timeoutMs = 40_000) => {
      const until = Date.now() + timeoutMs;
      while (!re.test(out)) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${re}; output:\n${out.slice(-3000)}`);
        if (child.exitCode !== null) throw new Error(`daemon exited (${child.exitCode}) before ${re}; output:\n${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

export type Ev = Record<string, any>;

export async function readEvents(redis: Redis, prefix = 'smppd:'): Promise<Ev[]> {
  const res = await redis.xrange(`${prefix}events`, '-', '+');
  return res.map(([, f]) => JSON.parse(f[1]!) as Ev);
}

/** Poll the events stream until `done(events)` holds. */
export async function waitForEvents(redis: Redis, done: (evs: Ev[]) => boolean, timeoutMs = 40_000, prefix = 'smppd:'): Promise<Ev[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const evs = await readEvents(redis, prefix);
    if (done(evs)) return evs;
    if (Date.now() > until) throw new Error(`timed out; ${evs.length} events: ${JSON.stringify(evs.slice(-5))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const FINAL = new Set(['delivered', 'undeliverable', 'expired', 'rejected', 'failed', 'unknown', 'unconfirmed']);
