/**
 * `smppd bench`: runs bench/run.ts (a source checkout's benchmarks: they start their own redis-server,
 * SMSC sink and daemon on 127.0.0.1) as a child process, its output passed through. The published
 * package ships no bench/, so there it says where to find them instead.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Exit, type Io } from './io.js';
import { PACKAGE_ROOT } from './paths.js';

export async function bench(args: string[], io: Io): Promise<number> {
  const script = join(PACKAGE_ROOT, 'bench', 'run.ts');
  if (!existsSync(script)) {
    io.err(`smppd: ${script} not found: the benchmarks run from a source checkout (npm run bench)`);
    return Exit.UNAVAILABLE;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.setEncoding('utf8').on('data', (d: string) => { for (const l of d.replace(/\n$/, '').split('\n')) io.out(l); });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { for (const l of d.replace(/\n$/, '').split('\n')) io.err(l); });
  const stop = io.onSignal('SIGINT', () => child.kill('SIGTERM'));
  const code = await new Promise<number>((res) => child.once('exit', (c) => res(c ?? Exit.FAILURE)));
  stop();
  return code === 0 ? Exit.OK : Exit.FAILURE;
}
