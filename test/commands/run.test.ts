import t from 'tap';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSmppd } from '../helpers/daemon.js';

const dir = mkdtempSync(join(tmpdir(), 'smppd-badcfg-'));

t.test('the daemon refuses to start on a bad config, naming the field, with exit code 78', async (t) => {
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'carriers:\n  - name: cmcc\n    host: 127.0.0.1\n    systemId: x\n    port: "twenty"\n');
  const d = spawnSmppd(['run', '--config', file]);
  const { code } = await d.exited;
  t.equal(code, 78);
  t.match(d.output(), /CONFIG_INVALID: carriers\[0\]\.port: must be an integer/);
});

t.test('an unreadable config file exits 78 with CONFIG_UNREADABLE', async (t) => {
  const d = spawnSmppd(['run', '--config', join(dir, 'missing.yaml')]);
  t.equal((await d.exited).code, 78);
  t.match(d.output(), /CONFIG_UNREADABLE/);
});

t.test('check-config accepts the packaged default config', async (t) => {
  const d = spawnSmppd(['check-config']);
  t.equal((await d.exited).code, 0);
  t.match(d.output(), /ok \(3 carriers: cmcc, cucc, ctcc\)/);
});

t.test('a daemon that cannot reach Redis exits 69 with REDIS_UNAVAILABLE', async (t) => {
  const file = join(dir, 'noredis.yaml');
  writeFileSync(file, 'redis:\n  url: redis://127.0.0.1:1\nmetrics:\n  port: 0\ncarriers:\n  - name: cmcc\n    host: 127.0.0.1\n    systemId: x\n');
  const d = spawnSmppd(['run', '--config', file]);
  t.equal((await d.exited).code, 69);
  t.match(d.output(), /REDIS_UNAVAILABLE/);
});
