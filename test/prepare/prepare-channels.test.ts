import t from 'tap';
import { buildPrepareContext, prepareJob } from '../../src/prepare/prepare.js';
import { cmppDest, cmppSrcId } from '../../src/prepare/prepare-channels.js';
import { ConcatRefs } from '../../src/text/concat-ref.js';
import type { Config } from '../../src/config/types.js';
import type { Prepared, PreparedOk } from '../../src/types.js';
import { testConfig } from '../helpers/test-config.js';
import { twoChannelCarrier } from '../helpers/two-channels.js';

const NOW = Date.UTC(2026, 10, 24, 8, 0, 0);
const ctxOf = (cfg: Config) => buildPrepareContext(cfg, new ConcatRefs({ random: () => 0x2a / 0x10000 }));
const run = (job: unknown, cfg: Config): Prepared =>
  prepareJob({ entryId: '1700000000000-0', payload: JSON.stringify(job) }, ctxOf(cfg), NOW);
function ok(p: Prepared): PreparedOk {
  if (!p.ok) throw new Error(`rejected ${p.code}: ${p.error}`);
  return p;
}
const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');
const twoChannels = (v: '2.0' | '3.0' = '3.0'): Config => testConfig({ carriers: [twoChannelCarrier(v)], routing: { countryCode: '86', default: 'cmcc' } });
const smppOnly = (): Config => testConfig();
/** The part bodies of the channel named `name`: its run of `parts` (PreparedOk). */
function runOf(p: PreparedOk, name: string): Uint8Array[] {
  const sets = p.channels!;
  const n = p.parts.length / sets.length;
  const s = sets.findIndex((c) => c.names.includes(name));
  return s < 0 ? [] : p.parts.slice(s * n, (s + 1) * n);
}

// CMPP_SUBMIT without its header, field by field as the specifications' tables list them: [name, octets].
const LAYOUT: Record<'2.0' | '3.0', [string, number][]> = {
  '2.0': [['Msg_Id', 8], ['Pk_total', 1], ['Pk_number', 1], ['Registered_Delivery', 1], ['Msg_level', 1],
    ['Service_Id', 10], ['Fee_UserType', 1], ['Fee_terminal_Id', 21], ['TP_pId', 1], ['TP_udhi', 1],
    ['Msg_Fmt', 1], ['Msg_src', 6], ['FeeType', 2], ['FeeCode', 6], ['ValId_Time', 17], ['At_Time', 17],
    ['Src_Id', 21], ['DestUsr_tl', 1], ['Dest_terminal_Id', 21], ['Msg_Length', 1], ['Msg_Content', -1], ['Reserve', 8]],
  '3.0': [['Msg_Id', 8], ['Pk_total', 1], ['Pk_number', 1], ['Registered_Delivery', 1], ['Msg_level', 1],
    ['Service_Id', 10], ['Fee_UserType', 1], ['Fee_terminal_Id', 32], ['Fee_terminal_type', 1], ['TP_pId', 1],
    ['TP_udhi', 1], ['Msg_Fmt', 1], ['Msg_src', 6], ['FeeType', 2], ['FeeCode', 6], ['ValId_Time', 17],
    ['At_Time', 17], ['Src_Id', 21], ['DestUsr_tl', 1], ['Dest_terminal_Id', 32], ['Dest_terminal_type', 1],
    ['Msg_Length', 1], ['Msg_Content', -1], ['LinkID', 20]],
};

/** Numbers are one octet; text is ASCII, left-aligned, NUL-padded to the field; Msg_Content as it is. */
function submitHex(v: '2.0' | '3.0', values: Record<string, number | string | Buffer>): string {
  return LAYOUT[v].map(([name, width]) => {
    const x = values[name] ?? (width === 1 ? 0 : '');
    if (Buffer.isBuffer(x)) return x.toString('hex');
    if (typeof x === 'number') return Buffer.of(x).toString('hex');
    const field = Buffer.alloc(width);
    field.write(x, 'latin1');
    return field.toString('hex');
  }).join('');
}

const COMMON = {
  Registered_Delivery: 1, Msg_level: 1, Service_Id: 'MXX0001', Fee_UserType: 2, Msg_src: '901234', FeeType: '01',
  FeeCode: '000000', ValId_Time: '261124100000000+', At_Time: '261124090000000+', Src_Id: '106571234588',
  DestUsr_tl: 1, Dest_terminal_Id: '13800138000', LinkID: 'LINK1',
};
const JOB = { to: '13800138000', from: '88', sendAt: '2026-11-24T09:00:00Z', expiresAt: '2026-11-24T10:00:00Z' };

for (const v of ['3.0', '2.0'] as const) {
  t.test(`an ASCII text becomes one golden CMPP ${v} submit body: Msg_Fmt 0, the extension in Src_Id, ValId_Time and At_Time from the job`, async (t) => {
    const p = ok(run({ ...JOB, text: 'Code 1234' }, twoChannels(v)));
    const body = submitHex(v, { ...COMMON, Pk_total: 1, Pk_number: 1, TP_udhi: 0, Msg_Fmt: 0, Msg_Length: 9, Msg_Content: Buffer.from('Code 1234') });
    t.same(runOf(p, 'cmcc-cmpp').map(hex), [body]);
    t.same(p.channels, [{ names: ['cmcc-cmpp'], form: v === '3.0' ? 0x30 : 0x20 }, { names: ['cmcc-smpp'], form: 0x34 }]);
  });

  t.test(`a long Chinese text becomes two golden CMPP ${v} parts: UDH 05 00 03 ref 02 0n, Msg_Fmt 8, TP_udhi 1, Pk_total 2`, async (t) => {
    const p = ok(run({ ...JOB, text: '您'.repeat(100) }, twoChannels(v)));
    const ucs2 = (n: number): Buffer => Buffer.from('您'.repeat(n), 'utf16le').swap16();
    const part = (k: number, text: Buffer): string => submitHex(v, {
      ...COMMON, Pk_total: 2, Pk_number: k, TP_udhi: 1, Msg_Fmt: 8, Msg_Length: 6 + text.length,
      Msg_Content: Buffer.concat([Buffer.from([0x05, 0x00, 0x03, 0x2a, 0x02, k]), text]),
    });
    t.same(runOf(p, 'cmcc-cmpp').map(hex), [part(1, ucs2(67)), part(2, ucs2(33))]);
  });
}

t.test('a text sent now has no At_Time, and one without expiresAt no ValId_Time', async (t) => {
  const p = ok(run({ to: '13800138000', text: 'hi' }, twoChannels()));
  const body = submitHex('3.0', { ...COMMON, ValId_Time: '', At_Time: '', Src_Id: '1065712345', Pk_total: 1, Pk_number: 1, Msg_Length: 2, Msg_Content: Buffer.from('hi') });
  t.same(runOf(p, 'cmcc-cmpp').map(hex), [body], 'no `from`: Src_Id is the service number alone');
});

t.test('Src_Id takes a digit `from` as an extension, cut to 21 octets; any other `from` leaves the service number alone', async (t) => {
  t.equal(cmppSrcId('1065712345', '88'), '106571234588');
  t.equal(cmppSrcId('1065712345', '106571234501'), '106571234501', 'a `from` that already starts with the service number is taken whole');
  t.equal(cmppSrcId('1065712345', '1'.repeat(15)), '1065712345' + '1'.repeat(11));
  t.equal(cmppSrcId('1065712345', 'Acme'), '1065712345');
  t.equal(cmppSrcId('1065712345', undefined), '1065712345');
  t.equal(cmppDest('+8613800138000'), '13800138000', 'a Chinese number without 86');
  t.equal(cmppDest('+447700900123'), '447700900123');
});

t.test('an ASCII text that fits SMPP\'s 160 but not CMPP\'s 140 is cut into 2 parts on a carrier with a CMPP channel, 1 on an SMPP-only one', async (t) => {
  const text = 'a'.repeat(150);
  const only = ok(run({ to: '13800138000', text }, smppOnly()));
  t.equal(only.parts.length, 1);
  t.equal(only.channels, undefined, 'an SMPP-only carrier named as its channel stores its bodies untagged');
  const both = ok(run({ to: '13800138000', text }, twoChannels()));
  const cmpp = runOf(both, 'cmcc-cmpp');
  const smpp = runOf(both, 'cmcc-smpp');
  t.equal(cmpp.length, 2);
  t.equal(smpp.length, 2, 'the same part count on each channel');
  // The SMPP parts are cut where the CMPP ones are: 134 and 16 characters behind an 8-bit-reference UDH.
  const sm = (b: Uint8Array, len: number): string => hex(b.subarray(b.length - len));
  t.equal(sm(smpp[0]!, 6 + 134), '0500032a0201' + '61'.repeat(134));
  t.equal(sm(smpp[1]!, 6 + 16), '0500032a0202' + '61'.repeat(16));
  t.equal(sm(cmpp[1]!, 20 + 6 + 16).slice(0, 44), '0500032a0202' + '61'.repeat(16), 'the CMPP part holds the same characters');
});

t.test('a Chinese text has the same part count on each channel as on an SMPP-only carrier', async (t) => {
  for (const n of [70, 71, 134, 135]) {
    const text = '中'.repeat(n);
    const only = ok(run({ to: '13800138000', text }, smppOnly())).parts.length;
    const both = ok(run({ to: '13800138000', text }, twoChannels()));
    t.same([runOf(both, 'cmcc-cmpp').length, runOf(both, 'cmcc-smpp').length], [only, only], `${n} characters: ${only} part(s)`);
  }
});

t.test('each SMPP channel writes its own TON/NPI, data coding and registered_delivery', async (t) => {
  const c = twoChannelCarrier();
  c.channels[1] = { ...c.channels[1]!, sourceTon: 1, sourceNpi: 1, registeredDelivery: 0, dataCodingUcs2: 0x18 };
  const cfg = testConfig({ carriers: [c], routing: { countryCode: '86', default: 'cmcc' } });
  const smpp = runOf(ok(run({ to: '13800138000', text: '中' }, cfg)), 'cmcc-smpp')[0]!;
  const cstr = (s: string): string => Buffer.from(s + '\0', 'latin1').toString('hex');
  t.equal(hex(smpp), '00' + '0101' + cstr('10690000') + '0101' + cstr('8613800138000') + '000000' + '00' + '00' + '00' + '00' + '18' + '00' + '02' + '4e2d');
});

t.test('two channels that write the same bodies share one body set', async (t) => {
  const c = twoChannelCarrier();
  c.channels.push({ ...c.channels[1]!, name: 'cmcc-smpp2', priority: 3 });
  const cfg = testConfig({ carriers: [c], routing: { countryCode: '86', default: 'cmcc' } });
  const p = ok(run({ to: '13800138000', text: 'hi' }, cfg));
  t.same(p.channels!.map((s) => s.names), [['cmcc-cmpp'], ['cmcc-smpp', 'cmcc-smpp2']]);
  t.equal(p.parts.length, 2);
});

t.test('a text that needs more parts than maxParts on the strictest channel is TOO_MANY_PARTS', async (t) => {
  const c = { ...twoChannelCarrier(), maxParts: 2 };
  const cfg = testConfig({ carriers: [c], routing: { countryCode: '86', default: 'cmcc' } });
  const p = run({ to: '13800138000', text: 'a'.repeat(3 * 134) }, cfg);
  t.equal(p.ok ? 'ok' : p.code, 'TOO_MANY_PARTS', 'two SMPP parts of 153 would do; CMPP needs three');
});
