import t from 'tap';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Comments and docs cite figures as `docs/X.md, "Heading"` (optionally `, change N`): each must lead to
// a `##` heading (or a paragraph titled in bold, `**Heading.**`) that exists, so a figure can be found
// again after a doc is restructured.
const root = new URL('../../', import.meta.url).pathname;
const TEXT = /\.(ts|mjs|lua|md|service|sh|ya?ml)$/;

function files(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const rel = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') return [];
    if (statSync(join(root, rel)).isDirectory()) return files(rel);
    return TEXT.test(name) ? [rel] : [];
  });
}

const self = 'test/docs/doc-refs.test.ts'; // its own examples are not references
const sources = [...files('src'), ...files('bench'), ...files('test'), ...files('docs'), ...files('systemd'), 'README.md']
  .filter((f) => f !== self);
// A reference may wrap over comment lines: join them, dropping each line's comment marker.
const flat = (text: string): string => text.replace(/\n\s*(?:\/\/|--|#|\*)?\s*/g, ' ');

/** The body of each `##` section of a doc, by heading. */
function sections(doc: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = readFileSync(join(root, 'docs', doc), 'utf8').split(/^## /m);
  for (const p of parts) out.set(p.slice(0, p.indexOf('\n')), p);
  return out;
}

interface Ref { file: string; doc: string; heading: string; change?: number }
function refs(): Ref[] {
  const found: Ref[] = [];
  for (const file of sources) {
    const text = flat(readFileSync(join(root, file), 'utf8'));
    for (const m of text.matchAll(/docs\/([A-Z][A-Z-]*\.md), "([^"]+)"(?:, change (\d+))?/g)) {
      found.push({ file, doc: m[1]!, heading: m[2]!, change: m[3] === undefined ? undefined : Number(m[3]) });
    }
  }
  return found;
}

t.test('every "docs/X.md, \\"Heading\\"" reference names a section of that doc, and its change number is there', async (t) => {
  const all = refs();
  t.ok(all.filter((r) => r.doc === 'BENCHMARKS-HISTORY.md').length >= 25, `found ${all.length} references`);
  const docs = new Map<string, Map<string, string>>();
  for (const r of all) {
    if (!docs.has(r.doc)) docs.set(r.doc, sections(r.doc));
    const hit = [...docs.get(r.doc)!].find(([h, body]) => h.startsWith(r.heading) || body.includes(`**${r.heading}.**`));
    t.ok(hit, `${r.file}: docs/${r.doc} has a section "${r.heading}"`);
    if (hit && r.change !== undefined) t.match(hit[1], new RegExp(`^${r.change}\\. \\*\\*`, 'm'), `${r.file}: change ${r.change} is under "${r.heading}"`);
  }
});

t.test('no comment or doc cites a numbered section of docs/ARCHITECTURE.md, which has none', async (t) => {
  const numbered = sources.filter((f) => /ARCHITECTURE §/.test(readFileSync(join(root, f), 'utf8')));
  t.same(numbered, []);
});

t.test('docs/BENCHMARKS.md stays short and keeps the place for the fair Kannel comparison', async (t) => {
  const doc = readFileSync(join(root, 'docs/BENCHMARKS.md'), 'utf8');
  t.ok(doc.split('\n').length < 200, 'under 200 lines');
  t.match(doc, /^## smppd beside Kannel \(bearerbox -v 4\)\n/m);
});
