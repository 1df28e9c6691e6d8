/**
 * smppd under test: the daemon as a child process, so its CPU and RSS are its own (/proc/<pid>), with
 * one carrier bound to the sink. It runs compiled, as in production (`node dist/src/main.js run`): the
 * sources are compiled once per bench process into a temp dir (the tree's dist/ is left alone); when
 * that fails, or with SMPPD_BENCH_TSX=1, it runs `node --import tsx src/main.ts run` (+~40 MB RSS).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, writeConfig } from '../../test/helpers/daemon.js';
import { until } from './proc.js';

export interface SmppdOptions {
  redisUrl: string;
  sinkPort: number;
  carrier?: Record<string, unknown>; // merged into the carrier (windowSize, tps, binds…)
  extra?: Record<string, unknown>; // top-level config sections
  cpuProf?: string; // a directory: write a V8 CPU profile of the daemon there
  heapProf?: string; // a directory: write its sampled allocations there, garbage included (lib/heap-sample.mjs)
  waitReady?: boolean; // default true: wait until /readyz says every carrier is bound
}

export interface SmppdUnderTest { pid: number; metricsPort: number; output(): string; stop(): Promise<void> }

let compiledMain: string | null | undefined;

/** The systemd unit the daemon runs under in production: the bench starts it the same way. */
const unitText = (): string => readFileSync(join(ROOT, 'systemd/smppd.service'), 'utf8');

/**
 * node's own flags in the systemd unit's ExecStart (V8 heap sizing): the daemon is measured as it is run.
 * SMPPD_BENCH_NODE_FLAGS replaces them (space-separated; empty: none) to measure other settings.
 */
export function daemonNodeFlags(): string[] {
  const override = process.env.SMPPD_BENCH_NODE_FLAGS;
  if (override !== undefined) return override.split(/\s+/).filter(Boolean);
  const unit = unitText();
  const exec = /^ExecStart=\S*node((?:\s+--\S+)*)\s/m.exec(unit);
  return exec ? exec[1]!.trim().split(/\s+/).filter(Boolean) : [];
}

/** The unit's Environment= settings (MALLOC_ARENA_MAX: glibc's arenas), given to the daemon the bench starts. */
export function daemonEnv(): Record<string, string> {
  const unit = unitText();
  const out: Record<string, string> = {};
  for (const m of unit.matchAll(/^Environment=(.+)$/gm)) {
    for (const kv of m[1]!.trim().split(/\s+/)) {
      const i = kv.indexOf('=');
      if (i > 0) out[kv.slice(0, i)] = kv.slice(i + 1);
    }
  }
  return out;
}

/** Path of a compiled main.js, compiling on first use; undefined when it cannot be compiled. */
export function compiledSmppd(): string | undefined {
  if (compiledMain !== undefined) return compiledMain ?? undefined;
  compiledMain = null;
  if (process.env.SMPPD_BENCH_TSX === '1') return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'smppd-bench-dist-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'),
    '--outDir', join(dir, 'dist'), '--sourceMap', 'false', '--declaration', 'false'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  cpSync(join(ROOT, 'src/store/lua'), join(dir, 'dist/src/store/lua'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  compiledMain = join(dir, 'dist/src/main.js');
  return compiledMain;
}

export async function startSmppd(o: SmppdOptions): Promise<SmppdUnderTest> {
  const config = writeConfig({
    redisUrl: o.redisUrl,
    ports: { cmcc: o.sinkPort },
    extra: {
      instanceId: 'bench',
      log: { level: 'info' },
      pool: { threads: 0, batchSize: 100 }, // the default: prepare on the I/O thread
      queue: { leaseMs: 10_000, eventsMaxLen: 2_000_000 },
      ...o.extra,
    },
    carrier: { windowSize: 200, tps: 100_000, binds: 1, prefixes: ['86'], responseTimeoutMs: 10_000, ...o.carrier },
  });
  // The profilers write into their directory only if it exists: make it, so a run never ends without its profile.
  for (const d of [o.cpuProf, o.heapProf]) if (d) mkdirSync(d, { recursive: true });
  const prof = o.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProf}`] : [];
  if (o.heapProf) prof.push('--import', pathToFileURL(join(ROOT, 'bench/lib/heap-sample.mjs')).href);
  const main = compiledSmppd();
  const entry = main ? [main] : ['--import', 'tsx', join(ROOT, 'src/main.ts')];
  const child = spawn(process.execPath, [...daemonNodeFlags(), ...prof, ...entry, 'run', '--config', config], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...daemonEnv(), ...(o.heapProf ? { SMPPD_BENCH_HEAP_PROF_DIR: o.heapProf } : {}) },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out = (out + d.toString()).slice(-200_000); });
  child.stderr.on('data', (d: Buffer) => { out = (out + d.toString()).slice(-200_000); });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  let metricsPort = 0;
  try {
    await until('the daemon to start', () => {
      if (child.exitCode !== null) throw new Error(`smppd exited (${child.exitCode}) at start:\n${out.slice(-3000)}`);
      return /"metricsPort":\d+/.test(out);
    }, 30_000, 50);
    metricsPort = Number(/"metricsPort":(\d+)/.exec(out)![1]);
    if (o.waitReady !== false) await until('every carrier bound (/readyz)', async () => {
      try { return (await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status === 200; } catch { return false; }
    }, 20_000, 50);
  } catch (e) {
    // Not handed to the caller, so no teardown would stop it: a daemon that never got ready goes now.
    child.kill('SIGKILL');
    await exited;
    throw e;
  }
  return {
    pid: child.pid!, metricsPort, output: () => out,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
}
