/**
 * Summarises V8 .cpuprofile files (from `node --cpu-prof`): self time by function and by file, top N;
 * and .heapprofile files (from the bench's --heap-profile): bytes allocated by function, and charged to
 * the nearest src/ function on the stack.
 * Run: node --import tsx bench/profile-summary.ts DIR_OR_FILE... [--top 25]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const args = process.argv.slice(2);
const topIdx = args.indexOf('--top');
const top = topIdx >= 0 ? Number(args[topIdx + 1]) : 25;
const inputs = args.filter((a, i) => !a.startsWith('--') && i !== topIdx + 1 || topIdx < 0 && !a.startsWith('--'));
const files = inputs.flatMap((p) => (statSync(p).isDirectory()
  ? readdirSync(p).filter((f) => f.endsWith('.cpuprofile') || f.endsWith('.heapprofile')).map((f) => join(p, f)) : [p]));

interface HeapNode { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: HeapNode[] }

/** A sampled heap profile: where the bytes were allocated (garbage included when sampled so). */
function heapSummary(file: string): void {
  const root = (JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode }).head;
  const fn = new Map<string, number>();
  const owner = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapNode, near: string): void => {
    const cf = n.callFrame;
    const url = cf.url.replace(/^(?:file:\/\/)?.*?\/(node_modules|src)\//, '$1/');
    const here = `${cf.functionName || '(anonymous)'}  ${url}:${cf.lineNumber + 1}`;
    const mine = cf.url.includes('/src/') ? `${cf.functionName || '(anonymous)'}  ${cf.url.replace(/^.*\/src\//, 'src/')}:${cf.lineNumber + 1}` : near;
    total += n.selfSize;
    if (n.selfSize > 0) { fn.set(here, (fn.get(here) ?? 0) + n.selfSize); owner.set(mine, (owner.get(mine) ?? 0) + n.selfSize); }
    for (const c of n.children) walk(c, mine);
  };
  walk(root, '(outside src/)');
  console.log(`\n${file}: ${(total / 1e6).toFixed(1)} MB sampled`);
  for (const [title, m] of [['allocated by function', fn], ['charged to the nearest src/ function on the stack', owner]] as const) {
    console.log(`  ${title}`);
    for (const [k, b] of [...m].sort((a, c) => c[1] - a[1]).slice(0, top)) console.log(`    ${(b / 1e6).toFixed(1).padStart(7)} MB  ${(100 * b / total).toFixed(1).padStart(5)}%  ${k}`);
  }
}

for (const file of files) {
  if (file.endsWith('.heapprofile')) { heapSummary(file); continue; }
  const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  prof.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const fn = new Map<string, number>();
  const byFile = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const name = n.callFrame.functionName || '(anonymous)';
    const url = n.callFrame.url.replace(/^file:\/\/.*?\/(node_modules|src)\//, '$1/');
    if (name !== '(idle)' && name !== '(program)') busy += us;
    fn.set(`${name}  ${url}:${n.callFrame.lineNumber + 1}`, (fn.get(`${name}  ${url}:${n.callFrame.lineNumber + 1}`) ?? 0) + us);
    const f = url === '' ? `(${name})` : url.replace(/^(node_modules\/[^/]+).*/, '$1');
    byFile.set(f, (byFile.get(f) ?? 0) + us);
  }
  // Time of every sample charged to the nearest src/ function on its stack: "who caused this cost".
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const owner = new Map<string, number>();
  for (const [id, us] of selfUs) {
    let cur: number | undefined = id;
    let key = '(outside src/)';
    while (cur !== undefined) {
      const cf = byId.get(cur)!.callFrame;
      if (cf.url.includes('/src/')) { key = `${cf.functionName || '(anonymous)'}  ${cf.url.replace(/^.*\/src\//, 'src/')}:${cf.lineNumber + 1}`; break; }
      cur = parent.get(cur);
    }
    const n = byId.get(id)!.callFrame.functionName;
    if (n === '(idle)' || n === '(program)') continue;
    owner.set(key, (owner.get(key) ?? 0) + us);
  }
  const total = (prof.endTime - prof.startTime);
  console.log(`\n${file}: ${(total / 1e6).toFixed(2)} s profiled, ${(busy / 1e6).toFixed(2)} s not idle`);
  const show = (m: Map<string, number>, title: string): void => {
    console.log(`  ${title}`);
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`    ${(us / 1000).toFixed(0).padStart(7)} ms  ${(100 * us / total).toFixed(1).padStart(5)}%  ${k}`);
  };
  show(byFile, 'self time by file / package');
  show(fn, 'self time by function');
  show(owner, 'busy time charged to the nearest src/ function on the stack');
}
