/**
 * Builds bench/lib/nodelay.c (an LD_PRELOAD shim: TCP_NODELAY on every socket a process connects) once
 * into a temp directory, for the Kannel run freed of its Nagle stall (bench/kannel.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('./nodelay.c', import.meta.url));
const OUT = join(tmpdir(), 'smppd-bench-nodelay', 'nodelay.so');

/** Path of the built shim; undefined when it cannot be built (no C compiler). */
export function nodelayShim(): string | undefined {
  if (existsSync(OUT)) return OUT;
  mkdirSync(join(tmpdir(), 'smppd-bench-nodelay'), { recursive: true });
  const r = spawnSync('cc', ['-shared', '-fPIC', '-O2', '-o', OUT, SRC, '-ldl'], { encoding: 'utf8' });
  return r.status === 0 && existsSync(OUT) ? OUT : undefined;
}
