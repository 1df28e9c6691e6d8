import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { removeRedisDir, startRedis } from './helpers/redis-server.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FIXTURE = resolve(ROOT, 'test/fixtures/client-ioredis6');

/**
 * Package names the JavaScript files under `dir` import (what a fresh node process would load): import
 * and export statements at the start of a line (an example in a doc comment is none) and import().
 */
function packagesImported(dir: string): string[] {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
  const names = files.flatMap((f) => [...readFileSync(resolve(dir, f), 'utf8').matchAll(/^\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm)]
    .map((m) => (m[1] ?? m[2] ?? m[3])!));
  return [...new Set(names.filter((n) => !n.startsWith('.')))].sort();
}

/**
 * The modules `file` loads when it runs: its value imports and re-exports, followed through relative
 * paths (`import type` and `export type` load nothing). Returns the package names reached, by file.
 */
function packagesReached(file: string, seen = new Set<string>(), out = new Map<string, string>()): Map<string, string> {
  if (seen.has(file)) return out;
  seen.add(file);
  const src = readFileSync(file, 'utf8');
  const specs = [
    ...[...src.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1]!),
    ...[...src.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
  ];
  for (const s of specs) {
    if (s.startsWith('.')) packagesReached(resolve(dirname(file), s.replace(/\.js$/, '.ts')), seen, out);
    else out.set(s, file.slice(ROOT.length));
  }
  return out;
}

t.test('smppd/client loads no daemon package: ioredis and node built-ins only', async (t) => {
  const reached = packagesReached(resolve(ROOT, 'src/client.ts'));
  const packages = [...reached.keys()].filter((p) => !p.startsWith('node:') && !builtinModules.includes(p));
  t.same(packages, ['ioredis'], `reached: ${JSON.stringify(Object.fromEntries(reached))}`);
  // The walk itself finds daemon packages where they are (so an empty answer above is not a blind one).
  const daemon = [...packagesReached(resolve(ROOT, 'src/app.ts')).keys()];
  t.ok(['pino', 'prom-client', 'ioredis'].every((p) => daemon.includes(p)), 'the same walk from src/app.ts reaches pino and prom-client');
});

t.test('package.json exports smppd/client with its types', async (t) => {
  const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string }> };
  t.same(pkg.exports['./client'], { types: './dist/src/client.d.ts', default: './dist/src/client.js' });
});

t.test('an app on ioredis 6 passes its client to SmppdClient: it type-checks, pushes and reads in both reply mappings', async (t) => {
  // The fixture's own ioredis 6, pinned by its package-lock.json; installed once (npm ci) when missing.
  if (!existsSync(resolve(FIXTURE, 'node_modules/ioredis/package.json'))) {
    await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: FIXTURE, timeout: 300_000 });
  }
  const tsc = resolve(ROOT, 'node_modules/.bin/tsc');
  const checked = await run(tsc, ['-p', resolve(FIXTURE, 'tsconfig.json')], { cwd: ROOT, timeout: 300_000 }).then(() => 'ok', (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}${String(e)}`);
  t.equal(checked, 'ok', 'tsc accepts an ioredis 6 client (and refuses a non-client, @ts-expect-error)');

  const srv = await startRedis();
  t.teardown(async () => { await srv.stop(); removeRedisDir(srv); });
  // Loaded by URL, so the root type check never follows it (its ioredis is the fixture's, not the root's).
  type RoundTrip = (url: string, prefix: string, mapping: 'legacy' | 'resp3') => Promise<{ id: string; events: { value: unknown }[]; version: string }>;
  const { roundTrip } = await import(pathToFileURL(resolve(FIXTURE, 'app.ts')).href) as { roundTrip: RoundTrip };
  for (const mapping of ['legacy', 'resp3'] as const) {
    const got = await roundTrip(srv.url, `io6-${mapping}:`, mapping);
    t.match(got.version, /^6\./, 'ioredis 6 ran it');
    t.match(got.id, /^\d+-\d+$/, `${mapping}: push returned the entry id`);
    t.same(got.events.map((e) => e.value), [{ id: got.id, state: 'delivered', at: 1 }], `${mapping}: events() read the stream`);
  }
});

t.test('the @smppd/client package (client/) builds to plain JavaScript that needs only ioredis, and works in a fresh node', async (t) => {
  const pkg = JSON.parse(readFileSync(resolve(ROOT, 'client/package.json'), 'utf8')) as Record<string, unknown>;
  t.equal(pkg.dependencies, undefined, 'no dependencies of its own');
  t.same(pkg.peerDependencies, { ioredis: '>=5.0.0 <7' }, 'ioredis is the app\'s, 5 or 6');
  await run(resolve(ROOT, 'node_modules/.bin/tsc'), ['-p', resolve(ROOT, 'client/tsconfig.json')], { cwd: ROOT, timeout: 300_000 });
  const dist = resolve(ROOT, 'client/dist');
  const imported = packagesImported(dist);
  t.same(imported.filter((n) => !n.startsWith('node:') && !builtinModules.includes(n)), ['ioredis'], `imports: ${imported.join(', ')}`);

  const srv = await startRedis();
  t.teardown(async () => { await srv.stop(); removeRedisDir(srv); });
  // No tsx, no loader: the built files as an app would load them.
  const script = `const { SmppdClient } = await import(${JSON.stringify(pathToFileURL(resolve(dist, 'client.js')).href)});
    const c = new SmppdClient(${JSON.stringify(srv.url)}, { prefix: 'pkg:' });
    const id = await c.push({ to: '13800138000', text: 'from the package' });
    console.log(JSON.stringify({ id }));
    await c.close();`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: dist, env: { PATH: process.env.PATH ?? '' }, timeout: 120_000 });
  const { id } = JSON.parse(stdout) as { id: string };
  const check = await import('ioredis');
  const redis = new check.Redis(srv.url);
  t.teardown(() => redis.disconnect());
  const entries = await redis.xrange('pkg:jobs', '-', '+');
  t.same(entries.map(([eid, f]) => [eid, JSON.parse(f[1]!).text]), [[id, 'from the package']], 'the job is in the stream');
});
