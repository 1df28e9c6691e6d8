import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../helpers/daemon.js';

interface HeapNode { selfSize: number; children: HeapNode[] }
const sampled = (n: HeapNode): number => n.selfSize + n.children.reduce((a, c) => a + sampled(c), 0);

t.test('the heap sampler preloaded into a process writes, on SIGTERM, a profile that counts its garbage', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'smppd-heap-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // About 100 MB of short-lived strings, then wait; live at the end: almost nothing.
  const script = `let keep = 0; for (let i = 0; i < 1e6; i++) keep += ('x' + i).repeat(10).length;
    process.on('SIGTERM', () => process.exit(0)); console.log('ready', keep); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', pathToFileURL(join(ROOT, 'bench/lib/heap-sample.mjs')).href, '-e', script], {
    env: { ...process.env, SMPPD_BENCH_HEAP_PROF_DIR: dir }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((res) => child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('ready')) res(); }));
  const exited = new Promise((res) => child.once('exit', res));
  child.kill('SIGTERM');
  t.equal(await exited, 0, 'the process\'s own SIGTERM handler still runs');
  const files = readdirSync(dir);
  t.same(files, [`heap-${child.pid}.heapprofile`]);
  const bytes = sampled((JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')) as { head: HeapNode }).head);
  t.ok(bytes > 20e6, `garbage is in the samples (${(bytes / 1e6).toFixed(1)} MB sampled)`);
});
