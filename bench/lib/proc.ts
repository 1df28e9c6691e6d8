/**
 * What the benchmarks read about processes: CPU time and peak RSS from /proc (Linux), Redis CPU and
 * memory from INFO, and the small statistics every figure is reported with.
 */
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

// USER_HZ is 100 on every Linux this runs on; /proc/<pid>/stat counts CPU in those ticks.
const TICKS_PER_S = 100;

/** User + system CPU of a process, in µs, from /proc/<pid>/stat (10 ms resolution). */
export function cpuUs(pid: number): number {
  return statCpuUs(`/proc/${pid}/stat`);
}

/**
 * User + system CPU of one thread of a process, in µs: `tid` = `pid` is its main thread, the one that runs
 * JavaScript (the event loop); a daemon's other threads are V8's (GC helpers, compiler) and pool workers.
 */
export function threadCpuUs(pid: number, tid = pid): number {
  return statCpuUs(`/proc/${pid}/task/${tid}/stat`);
}

function statCpuUs(path: string): number {
  const stat = readFileSync(path, 'utf8');
  // Field 2 (comm) may contain spaces: count fields after its closing parenthesis.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return ((utime + stime) * 1e6) / TICKS_PER_S;
}

/** Peak (VmHWM) and current (VmRSS) resident set of a process, in bytes. */
export function rssBytes(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { peak: kb('VmHWM'), now: kb('VmRSS') };
}

/** Redis server CPU (user + sys of the main process), in µs. */
export async function redisCpuUs(r: Redis): Promise<number> {
  const info = await r.info('cpu');
  const f = (k: string): number => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (f('used_cpu_user') + f('used_cpu_sys')) * 1e6;
}

export async function redisUsedMemory(r: Redis): Promise<number> {
  const info = await r.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0);
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The q-quantile (0..1) of already collected samples, nearest rank. */
export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';

export const mb = (bytes: number): string => `${fmt(bytes / 1048576, 1)} MB`;

/** One line of a section's figures: the label in a column of its own, then the value. */
export const line = (label: string, value: string): string => `  ${label.padEnd(44)} ${value}`;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * `p`, or a rejection with `message` after `timeoutMs`. The timer is cleared once `p` settles: a timer
 * left behind kept a bench process alive for minutes after its last figure was printed.
 */
export function within<T>(p: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, rej) => { timer = setTimeout(() => rej(new Error(message)), timeoutMs); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Polls `cond` every `everyMs` until it holds, or throws after `timeoutMs`. */
export async function until(what: string, cond: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 20): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`bench: timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
