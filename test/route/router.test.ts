import t from 'tap';
import { buildRouter } from '../../src/route/router.js';
import { CHINA_PREFIXES } from '../../src/route/china-prefixes.js';

const carriers = [
  { name: 'cmcc', prefixes: CHINA_PREFIXES.cmcc },
  { name: 'cucc', prefixes: CHINA_PREFIXES.cucc },
  { name: 'ctcc', prefixes: CHINA_PREFIXES.ctcc },
];
const route = buildRouter(carriers, 'cmcc');

t.test('every default China prefix routes to its carrier', async (t) => {
  for (const c of carriers) {
    for (const p of c.prefixes) {
      const number = '+' + (p + '00000000000').slice(0, 13);
      t.equal(route(number), c.name, `${p} -> ${c.name}`);
    }
  }
});

t.test('the longest prefix wins: 1349 is China Telecom inside China Mobile 134', async (t) => {
  t.equal(route('+8613412345678'), 'cmcc');
  t.equal(route('+8613491234567'), 'ctcc');
  t.equal(route('+8617001234567'), 'ctcc');
  t.equal(route('+8617041234567'), 'cucc');
  t.equal(route('+8617051234567'), 'cmcc');
});

t.test('China Broadnet 192 routes to China Mobile, which carries it', async (t) => {
  t.equal(route('+8619212345678'), 'cmcc');
});

t.test('no prefix is listed under two carriers', async (t) => {
  const all = [...CHINA_PREFIXES.cmcc, ...CHINA_PREFIXES.cucc, ...CHINA_PREFIXES.ctcc];
  t.equal(new Set(all).size, all.length);
  t.ok(all.every((p) => /^86\d{3,4}$/.test(p)), 'all are 86 + 3 or 4 digits');
});

t.test('an override naming a known carrier wins; an unknown one is ignored', async (t) => {
  t.equal(route('+8613800138000', 'ctcc'), 'ctcc');
  t.equal(route('+8613800138000', 'nosuch'), 'cmcc');
});

t.test('unmatched numbers take the default route, or null without one', async (t) => {
  t.equal(route('+447911123456'), 'cmcc');
  t.equal(buildRouter(carriers, null)('+447911123456'), null);
});
