import t from 'tap';
import { readFileSync } from 'node:fs';

// Every field name the schema accepts (its `known(...)` lists) has a row in docs/CONFIG.md.
const schema = ['schema.ts', 'channel-schema.ts'].map((f) => readFileSync(new URL(`../../src/config/${f}`, import.meta.url), 'utf8')).join('\n');
const doc = readFileSync(new URL('../../docs/CONFIG.md', import.meta.url), 'utf8');
const lists = [...schema.matchAll(/(?:known\([^,]+, (?:'[^']*'|path), |const [A-Z_]+_KEYS = )\[([^\]]+)\]/g)].map((m) => m[1]!);
const fields = new Set(lists.flatMap((l) => [...l.matchAll(/'([A-Za-z]+)'/g)].map((m) => m[1]!)));
const TOP = new Set(['redis', 'metrics', 'log', 'pool', 'intake', 'queue', 'text', 'routing', 'care', 'shutdown', 'carriers', 'quietHours']);

t.test('docs/CONFIG.md documents every field the schema accepts', async (t) => {
  t.ok(fields.size > 60, `read ${fields.size} field names from the schema`);
  for (const f of fields) {
    if (TOP.has(f)) t.match(doc, new RegExp(`\`${f}[\`.]`), `section or field ${f}`);
    else t.match(doc, new RegExp(`\`(?:[a-zA-Z]+\\.)?${f}\``), `field ${f}`);
  }
});
