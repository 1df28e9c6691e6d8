import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import t from 'tap';
import { nodelayShim } from '../../bench/lib/nodelay.js';

// What a process connecting through the shim has on its socket: Python's socket module asks the kernel.
const PROBE = `import socket,sys
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
print(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))`;

function probe(port: number, env: NodeJS.ProcessEnv): string {
  const r = spawnSync('python3', ['-c', PROBE, String(port)], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return r.stdout.trim();
}

const shim = nodelayShim();
const python = spawnSync('python3', ['--version']).status === 0;

t.test('the shim the Kannel comparison preloads turns Nagle off on the sockets a process connects', { skip: shim && python ? false : 'needs cc and python3' }, async (t) => {
  const server = createServer((s) => s.destroy());
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  t.teardown(() => new Promise<void>((res) => server.close(() => res())));
  const port = (server.address() as { port: number }).port;
  t.equal(probe(port, { ...process.env, LD_PRELOAD: '' }), '0', 'without it, Nagle is on (the kernel default bearerbox keeps)');
  t.not(probe(port, { ...process.env, LD_PRELOAD: shim! }), '0', 'with it, TCP_NODELAY is set');
});
