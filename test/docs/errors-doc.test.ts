import t from 'tap';
import { readFileSync } from 'node:fs';
import { ErrorCodes } from '../../src/errors.js';

// docs/ERRORS.md is the user's copy of src/errors.ts: one row per code, same order, same text.
const doc = readFileSync(new URL('../../docs/ERRORS.md', import.meta.url), 'utf8');
const rows = [...doc.matchAll(/^\| `([A-Z_]+)` \| (.+?) \|$/gm)].map((m) => [m[1]!, m[2]!] as const);

t.test('docs/ERRORS.md lists every error code, in the order and with the text of src/errors.ts', async (t) => {
  t.same(rows.map((r) => r[0]), Object.keys(ErrorCodes));
  for (const [code, text] of rows) t.equal(text, ErrorCodes[code as keyof typeof ErrorCodes], code);
});

t.test('the rejection texts ingest.lua writes are those of src/errors.ts', async (t) => {
  const lua = readFileSync(new URL('../../src/store/lua/ingest.lua', import.meta.url), 'utf8');
  const table = /local REFUSALS = \{([\s\S]*?)\n\}/.exec(lua)?.[1] ?? '';
  const entries = [...table.matchAll(/^\s*([A-Z_]+) = '([^']*)',?$/gm)];
  t.ok(entries.length >= 6, `read ${entries.length} texts`);
  for (const [, code, text] of entries) t.equal(text, ErrorCodes[code as keyof typeof ErrorCodes], code!);
});
