import t from 'tap';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { table, TABLES, withTables, writeConfigDoc } from '../../src/config/doc-table.js';

const file = new URL('../../docs/CONFIG.md', import.meta.url).pathname;
const doc = readFileSync(file, 'utf8');

t.test('docs/CONFIG.md holds the field tables the schema makes (npm run docs:config writes them)', async (t) => {
  t.equal(doc, withTables(doc));
});

t.test('docs/CONFIG.md has every table of the schema, each once', async (t) => {
  for (const id of Object.keys(TABLES)) t.equal(doc.split(`<!-- fields: ${id} -->`).length - 1, 1, id);
});

t.test('a field\'s row says its default and meaning; a mapping without a meaning of its own is spelt out field by field', async (t) => {
  t.match(table('carriers'), /^\| `port` \| `2775` \(SMPP\), `7890` \(CMPP\) \| SMSC or ISMG port \|$/m, 'a default the schema computes, as the schema words it');
  t.match(table('carriers'), /^\| `host` \| required \|/m);
  t.match(table('carriers'), /^\| `failover\.afterMs` \| `30000` \|/m);
  t.match(table('redis'), /^\| `password` \| — \|/m, 'optional, no default');
  t.match(table('routing'), /^\| `countryCode` \| `"86"` \|/m, 'a string YAML would read as a number is quoted');
  t.match(table('care'), /^\| `optOutKeywords` \| `\[TD, T, 退订, STOP, UNSUBSCRIBE\]` \|/m);
  t.throws(() => withTables('<!-- fields: nothing -->\nx\n<!-- /fields -->'), /names no table of the schema: nothing/);
});

t.test('npm run docs:config rewrites stale tables and leaves a current file as it is', async (t) => {
  const copy = join(mkdtempSync(join(tmpdir(), 'smppd-doc-')), 'CONFIG.md');
  writeFileSync(copy, doc.replace(/^\| `tps` \|.*$/m, '| `tps` | stale | stale |'));
  t.equal(writeConfigDoc(copy), true, 'changed');
  t.equal(readFileSync(copy, 'utf8'), doc);
  copyFileSync(file, copy);
  t.equal(writeConfigDoc(copy), false, 'already current');
});
