/**
 * The demo's Redis: the one at REDIS_URL (default 127.0.0.1:6379) when it answers; otherwise a private
 * redis-server (AOF everysec) with its data in the user's state directory when one is installed;
 * otherwise a clear way out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SmppdError } from '../errors.js';

export interface DemoRedis { url: string; private: boolean; stop(): Promise<void> }

function ping(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    const done = (ok: boolean): void => { s.destroy(); resolve(ok); };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => done(/^\+PONG|^-NOAUTH/.test(d.toString())));
    s.once('error', () => done(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
}

/**
 * `$XDG_STATE_HOME/smppd-demo`, else `~/.local/state/smppd-demo`: the user's, never the package
 * directory, which an installed package does not let its user write.
 */
export function demoStateDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_STATE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'smppd-demo');
  return join(env.HOME || userInfo().homedir, '.local', 'state', 'smppd-demo');
}

/** `dir`, made; or a new temp dir when it cannot be (no home, a read-only one). */
function makeDir(dir: string, log: (line: string) => void): string {
  try {
    mkdirSync(dir, { recursive: true });
    return dir;
  } catch (e) {
    const tmp = mkdtempSync(join(tmpdir(), 'smppd-demo-'));
    log(`cannot create ${dir} (${(e as NodeJS.ErrnoException).code ?? String(e)}): using ${tmp}`);
    return tmp;
  }
}

export async function ensureDemoRedis(env: NodeJS.ProcessEnv, stateDir: string, log: (line: string) => void): Promise<DemoRedis> {
  const url = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const u = new URL(url);
  if (await ping(u.hostname, Number(u.port || 6379))) {
    log(`using the Redis at ${u.host}`);
    return { url, private: false, stop: async () => undefined };
  }
  const port = await freePort();
  const dir = makeDir(join(stateDir, 'redis'), log);
  let child: ChildProcess;
  try {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
      '--appendonly', 'yes', '--appendfsync', 'everysec', '--loglevel', 'warning'],
      // Its own process group: Ctrl-C reaches the demo, which drains the daemon before it stops Redis.
      { stdio: 'ignore', detached: true });
    await new Promise<void>((resolve, reject) => { child.once('spawn', resolve); child.once('error', reject); });
  } catch {
    throw new SmppdError('REDIS_UNAVAILABLE',
      `no Redis answers at ${u.host} and redis-server is not installed. Install it (Debian/Ubuntu: ` +
      '`sudo apt-get install -y redis-server`; macOS: `brew install redis`) or set REDIS_URL to a Redis you can use.');
  }
  for (let i = 0; i < 100 && !(await ping('127.0.0.1', port)); i++) await sleep(50);
  log(`no Redis at ${u.host}: started a private redis-server on 127.0.0.1:${port} (data in ${dir})`);
  return {
    url: `redis://127.0.0.1:${port}`, private: true,
    stop: () => new Promise<void>((res) => {
      if (child.exitCode !== null) { res(); return; }
      child.once('exit', () => res());
      child.kill('SIGTERM');
    }),
  };
}
