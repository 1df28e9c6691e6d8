/**
 * Summarises V8 .cpuprofile files (from `node --cpu-prof`): self time by function and by file, top N;
 * and .heapprofile files (from the bench's --heap-profile): bytes allocated by function, and charged to
 * the nearest src/ function on the stack.
 * Run: node --import tsx bench/profile-summary.ts DIR_OR_FILE... [--top 25]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

type CallFrame = { functionName: string; url: string; lineNumber: number };
interface Node { id: number; callFrame: CallFrame; hitCount?: number; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const args = process.argv.slice(2);
const topIdx = args.indexOf('--top');
const top = topIdx >= 0 ? Number(args[topIdx + 1]) : 25;
const inputs = args.filter((a, i) => !a.startsWith('--') && i !== topIdx + 1 || topIdx < 0 && !a.startsWith('--'));
const files = inputs.flatMap((p) => (statSync(p).isDirectory()
  ? readdirSync(p).filter((f) => f.endsWith('.cpuprofile') || f.endsWith('.heapprofile')).map((f) => join(p, f)) : [p]));

/** `name  node_modules/… or src/…:line`, the same in both kinds of profile. */
const frameLabel = (cf: CallFrame): string =>
  `${cf.functionName || '(anonymous)'}  ${cf.url.replace(/^(?:file:\/\/)?.*?\/(node_modules|src)\//, '$1/')}:${cf.lineNumber + 1}`;
/** The frame's label when it is the project's own code (src/), else undefined. */
const srcLabel = (cf: CallFrame): string | undefined =>
  cf.url.includes('/src/') ? `${cf.functionName || '(anonymous)'}  ${cf.url.replace(/^.*\/src\//, 'src/')}:${cf.lineNumber + 1}` : undefined;
/** The top entries of `m`, largest first, with their share of `total`. */
function printTop(m: Map<string, number>, title: string, total: number, unit: (v: number) => string): void {
  console.log(`  ${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`    ${unit(v)}  ${(100 * v / total).toFixed(1).padStart(5)}%  ${k}`);
}

interface HeapNode { callFrame: CallFrame; selfSize: number; children: HeapNode[] }

/** A sampled heap profile: where the bytes were allocated (garbage included when sampled so). */
function heapSummary(file: string): void {
  const root = (JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode }).head;
  const fn = new Map<string, number>();
  const owner = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapNode, near: string): void => {
    const here = frameLabel(n.callFrame);
    const mine = srcLabel(n.callFrame) ?? near;
    total += n.selfSize;
    if (n.selfSize > 0) { fn.set(here, (fn.get(here) ?? 0) + n.selfSize); owner.set(mine, (owner.get(mine) ?? 0) + n.selfSize); }
    for (const c of n.children) walk(c, mine);
  };
  walk(root, '(outside src/)');
  console.log(`\n${file}: ${(total / 1e6).toFixed(1)} MB sampled`);
  const mb = (b: number): string => `${(b / 1e6).toFixed(1).padStart(7)} MB`;
  printTop(fn, 'allocated by function', total, mb);
  printTop(owner, 'charged to the nearest src/ function on the stack', total, mb);
}

for (const file of files) {
  if (file.endsWith('.heapprofile')) { heapSummary(file); continue; }
  const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (const [i, id] of prof.samples.entries()) selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
  const fn = new Map<string, number>();
  const byFile = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const name = n.callFrame.functionName || '(anonymous)';
    const url = n.callFrame.url.replace(/^file:\/\/.*?\/(node_modules|src)\//, '$1/');
    if (name !== '(idle)' && name !== '(program)') busy += us;
    const label = frameLabel(n.callFrame);
    fn.set(label, (fn.get(label) ?? 0) + us);
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
      const mine = srcLabel(byId.get(cur)!.callFrame);
      if (mine !== undefined) { key = mine; break; }
      cur = parent.get(cur);
    }
    const n = byId.get(id)!.callFrame.functionName;
    if (n === '(idle)' || n === '(program)') continue;
    owner.set(key, (owner.get(key) ?? 0) + us);
  }
  const total = (prof.endTime - prof.startTime);
  console.log(`\n${file}: ${(total / 1e6).toFixed(2)} s profiled, ${(busy / 1e6).toFixed(2)} s not idle`);
  const ms = (us: number): string => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  printTop(byFile, 'self time by file / package', total, ms);
  printTop(fn, 'self time by function', total, ms);
  printTop(owner, 'busy time charged to the nearest src/ function on the stack', total, ms);
}
