import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);

t.test('the package ships the MIT licence text that package.json names', async (t) => {
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { license: string; files: string[] };
  t.equal(pkg.license, 'MIT');
  t.ok(pkg.files.includes('LICENSE'), 'LICENSE is in package.json "files"');
  t.ok(existsSync(new URL('LICENSE', root)), 'LICENSE exists');
  const text = existsSync(new URL('LICENSE', root)) ? readFileSync(new URL('LICENSE', root), 'utf8') : '';
  t.match(text, /^MIT License\n\nCopyright \(c\) 2026 the smppd authors\n/);
  t.match(text, /THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND/);
});
