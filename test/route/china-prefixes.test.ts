import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildConfig } from '../../src/config/schema.js';
import { SmppdError } from '../../src/errors.js';
import { CHINA_PREFIXES, expandPrefixes } from '../../src/route/china-prefixes.js';
import { buildPrepareContext } from '../../src/prepare/prepare-context.js';
import { ROOT } from '../helpers/daemon.js';

/** The shipped configs, as the daemon would read them (the example's secrets supplied). */
function shipped(): { file: string; cfg: ReturnType<typeof buildConfig> }[] {
  const dir = mkdtempSync(join(tmpdir(), 'smppd-prefixes-'));
  writeFileSync(join(dir, 'cmcc.pass'), 'secret\n');
  const example = readFileSync(join(ROOT, 'systemd/smppd.yaml'), 'utf8').replace('/etc/smppd/cmcc.pass', join(dir, 'cmcc.pass'));
  return [
    { file: 'config/default.yaml', cfg: buildConfig(parse(readFileSync(join(ROOT, 'config/default.yaml'), 'utf8')), {}) },
    { file: 'systemd/smppd.yaml', cfg: buildConfig(parse(example), { SMPPD_REDIS_PASSWORD: 'r', SMPP_CUCC_PASSWORD: 'c' }) },
  ];
}

t.test('the shipped configs route every block of the built-in table to its operator', async (t) => {
  for (const { file, cfg } of shipped()) {
    const { route } = buildPrepareContext(cfg);
    for (const c of cfg.carriers) {
      const table = CHINA_PREFIXES[c.name as keyof typeof CHINA_PREFIXES];
      for (const p of table) t.equal(route(`+${p}0001234`.slice(0, 14)), c.name, `${file}: ${p} goes to ${c.name}`);
    }
  }
});

t.test('the shipped configs name the table instead of copying it, so there is nothing to fall behind', async (t) => {
  for (const { file, cfg } of shipped()) {
    for (const c of cfg.carriers) t.same(c.prefixes, [`china:${c.name}`], `${file}: ${c.name}`);
  }
});

t.test('the blocks once missing from the example (86146, 86167, 86171, 86196) are China Unicom\'s', async (t) => {
  const example = shipped()[1]!.cfg;
  const { route } = buildPrepareContext(example);
  for (const n of ['+8614600001234', '+8616700001234', '+8617100001234', '+8619600001234']) t.equal(route(n), 'cucc', n);
});

t.test('a table name and literal prefixes mix; anything else is refused naming the entry', async (t) => {
  t.same(expandPrefixes(['86199', 'china:ctcc']).length, CHINA_PREFIXES.ctcc.length + 1);
  const carrier = (prefixes: unknown[]) => ({ carriers: [{ name: 'cmcc', host: 'h', systemId: 's', prefixes }] });
  t.same(buildConfig(carrier(['china:cmcc', '+44', 134]), {}).carriers[0]!.prefixes, ['china:cmcc', '+44', '134']);
  for (const bad of ['china:cmc', 'cmcc', '86 134', '']) {
    const err = (() => { try { buildConfig(carrier(['86134', bad]), {}); return null; } catch (e) { return e; } })();
    t.ok(err instanceof SmppdError && err.code === 'CONFIG_INVALID', `${JSON.stringify(bad)} is refused`);
    t.match((err as Error).message, /carriers\[0\]\.prefixes\[1\]: must be digits or one of china:cmcc, china:cucc, china:ctcc/);
  }
});
