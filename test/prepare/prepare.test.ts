import t from 'tap';
import { createHash } from 'node:crypto';
import { buildPrepareContext, prepareJob } from '../../src/prepare/prepare.js';
import { ConcatRefs } from '../../src/text/concat-ref.js';
import type { Prepared, PreparedOk, PreparedRejected } from '../../src/types.js';
import type { Config } from '../../src/config/types.js';
import { testCarrier, testConfig } from '../helpers/test-config.js';

const NOW = Date.UTC(2026, 10, 24, 8, 0, 0);
const ctxOf = (cfg: Config = testConfig()) => buildPrepareContext(cfg, new ConcatRefs({ random: () => 0x2a / 0x10000 }));
const run = (job: unknown, cfg?: Config, override?: string): Prepared =>
  prepareJob({ entryId: '1700000000000-0', payload: typeof job === 'string' ? job : JSON.stringify(job) }, ctxOf(cfg), NOW, override);
function ok(p: Prepared): PreparedOk {
  if (!p.ok) throw new Error(`rejected ${p.code}: ${p.error}`);
  return p;
}
function rejected(p: Prepared): PreparedRejected {
  if (p.ok) throw new Error('unexpectedly accepted');
  return p;
}
const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');
const cstr = (s: string): string => Buffer.from(s + '\0', 'latin1').toString('hex');

t.test('a GSM OTP becomes one golden submit_sm body for its carrier', async (t) => {
  const p = ok(run({ id: 'otp-1', to: '138 0013 8000', text: 'Code 1234', class: 'otp', expiresAt: '2026-11-24T08:05:00Z' }));
  t.equal(p.carrier, 'cmcc');
  t.equal(p.to, '+8613800138000');
  t.equal(p.from, '10690000');
  t.equal(p.expiresAt, Date.UTC(2026, 10, 24, 8, 5, 0));
  t.equal(p.tz, 'Asia/Shanghai');
  t.equal(p.quietHours, 'ignore');
  t.equal(p.fingerprint, '');
  const body =
    '00' + '0500' + cstr('10690000') + '0101' + cstr('8613800138000') + '000000' + '00' + cstr('261124080500000+') +
    '01' + '00' + '00' + '00' + '09' + Buffer.from('Code 1234').toString('hex');
  t.same(p.parts.map(hex), [body]);
});

t.test('a long Chinese text is split into UCS2 parts with a UDH and data_coding 8', async (t) => {
  const p = ok(run({ to: '+8618912345678', text: '您'.repeat(100) }));
  t.equal(p.carrier, 'ctcc');
  t.equal(p.id, '1700000000000-0', 'the id defaults to the stream entry id');
  t.equal(p.parts.length, 2);
  const b = Buffer.from(p.parts[0]);
  const smOffset = b.length - 1 - 6 - 134;
  t.equal(b[smOffset - 9], 0x40, 'esm_class has UDHI');
  t.equal(b[smOffset - 2], 8, 'data_coding is UCS2');
  t.equal(b[smOffset], 140, 'sm_length');
  t.equal(b.subarray(smOffset + 1, smOffset + 7).toString('hex'), '0500032a0201');
});

t.test('marketing gets the signature and the opt-out line inside the counted text', async (t) => {
  const cfg = testConfig({ text: { signature: '【Acme】', optOutLine: '回复TD退订', defaultFrom: '10690000' } });
  const p = ok(run({ to: '13800138000', text: '大促', class: 'marketing', quietHours: 'ignore' }, cfg));
  t.equal(p.quietHours, 'respect', 'marketing always respects quiet hours');
  const sm = Buffer.from(p.parts[0]).subarray(-2 * '【Acme】大促 回复TD退订'.length);
  t.equal(sm.toString('hex'), Buffer.from('【Acme】大促 回复TD退订', 'utf16le').swap16().toString('hex'));
});

t.test('a carrier that rejects marketing without opt-out gives MISSING_OPTOUT', async (t) => {
  const cfg = testConfig({ carriers: [testCarrier('cmcc', 2775, ['86138'], { optOut: 'reject' })] });
  const r = rejected(run({ to: '13800138000', text: '大促', class: 'marketing', meta: { a: 1 } }, cfg));
  t.equal(r.code, 'MISSING_OPTOUT');
  t.equal(r.to, '+8613800138000');
  t.equal(r.meta, '{"a":1}', 'meta kept as the app wrote it');
});

t.test('the per-number override routes a ported number', async (t) => {
  t.equal(ok(run({ to: '13800138000', text: 'hi' }, undefined, 'cucc')).carrier, 'cucc');
});

t.test('fingerprints come from the dedupKey, or from recipient and text when asked', async (t) => {
  const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
  t.equal(ok(run({ to: '13800138000', text: 'hi', dedupKey: 'order-9' })).fingerprint, sha1('k:order-9'));
  const cfg = testConfig({ care: { ...testConfig().care, dedupByContent: true } });
  t.equal(ok(run({ to: '13800138000', text: 'hi' }, cfg)).fingerprint, sha1('c:+8613800138000\nhi'));
});

t.test('SAR and payload carriers get TLVs instead of a UDH', async (t) => {
  const sar = testConfig({ carriers: [testCarrier('cmcc', 2775, ['86138'], { concat: 'sar' })] });
  const p = ok(run({ to: '13800138000', text: 'x'.repeat(200) }, sar));
  t.equal(p.parts.length, 2);
  t.equal(hex(p.parts[1]).slice(-32), '020c0002002a' + '020e000102' + '020f000102', 'ref 0x002a, total 2, seq 2');
  const pay = testConfig({ carriers: [testCarrier('cmcc', 2775, ['86138'], { concat: 'payload' })] });
  const q = ok(run({ to: '13800138000', text: 'x'.repeat(200) }, pay));
  t.equal(q.parts.length, 1);
  t.ok(hex(q.parts[0]).endsWith('00' + '042400c8' + '78'.repeat(200)), 'sm_length 0, then message_payload of 200 octets');
});

t.test('bad input is rejected with a stable code and keeps id and meta', async (t) => {
  const cases: [unknown, string][] = [
    ['{not json', 'BAD_JSON'],
    ['[1,2]', 'BAD_FIELD'],
    [{ text: 'hi' }, 'BAD_FIELD'],
    [{ to: 13800138000, text: 'hi' }, 'BAD_FIELD'],
    [{ to: '13800138000', text: 'hi', class: 'promo' }, 'BAD_FIELD'],
    [{ to: '13800138000', text: 'hi', id: 'a b' }, 'BAD_FIELD'],
    [{ to: '13800138000', text: 'hi', id: 'x'.repeat(129) }, 'BAD_FIELD'],
    [{ to: '13800138000', text: 'hi', tz: 'Mars/Olympus' }, 'BAD_FIELD'],
    [{ to: '13800138000', text: 'hi', sendAt: 'tomorrow' }, 'BAD_FIELD'],
    [{ to: '13800138000', text: 'hi', meta: [1] }, 'BAD_FIELD'],
    [{ to: '13800138000', text: 'hi\u0007' }, 'BAD_FIELD'],
    [{ to: '13800138000', text: 'hi\ud800' }, 'BAD_FIELD'],
    [{ to: '13800138000', text: '  \n ' }, 'EMPTY_TEXT'],
    [{ to: '13800138000', text: 'x'.repeat(10_001) }, 'TOO_MANY_PARTS'],
    [{ to: '13800138000', text: 'x'.repeat(153 * 10 + 1) }, 'TOO_MANY_PARTS'],
    [{ to: '12800138000', text: 'hi' }, 'BAD_NUMBER'],
    [{ to: '+8613800138000', text: 'hi', expiresAt: NOW - 1 }, 'EXPIRED'],
  ];
  for (const [job, code] of cases) {
    const r = rejected(run(job));
    t.equal(r.code, code, typeof job === 'string' ? job : JSON.stringify(job).slice(0, 60));
  }
  const kept = rejected(run({ id: 'job-7', to: 'nope', text: 'hi', meta: { order: 9 } }));
  t.same([kept.id, kept.meta, kept.to], ['job-7', '{"order":9}', undefined]);
});

t.test('a number no carrier takes is UNROUTABLE without a default route', async (t) => {
  const cfg = testConfig({ routing: { countryCode: '86', default: null } });
  t.equal(rejected(run({ to: '+447911123456', text: 'hi' }, cfg)).code, 'UNROUTABLE');
  t.equal(ok(run({ to: '+447911123456', text: 'hi' })).tz, 'Europe/London');
});

t.test('national config prefixes are taken as the home country', async (t) => {
  const cfg = testConfig({ carriers: [testCarrier('only', 2775, ['139'])], routing: { countryCode: '86', default: null } });
  t.equal(ok(run({ to: '13900000000', text: 'hi' }, cfg)).carrier, 'only');
  t.equal(rejected(run({ to: '13800000000', text: 'hi' }, cfg)).code, 'UNROUTABLE');
});
