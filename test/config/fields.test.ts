import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig } from '../../src/config/schema.js';

const carrier = { name: 'cmcc', host: '127.0.0.1', systemId: 'x' };
const base = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ carriers: [carrier], ...over });

/** The CONFIG_INVALID message of `raw`, or '' when it is valid. */
function problems(raw: unknown, env: NodeJS.ProcessEnv = {}): string {
  try {
    buildConfig(raw, env);
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

t.test('a secret is read from a file, its one trailing newline dropped; a secret that cannot be read is named', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'smppd-secret-')), 'pw');
  writeFileSync(file, 'from-file\n');
  t.equal(buildConfig(base({ redis: { password: { file } } })).redis.password, 'from-file');
  t.equal(problems(base({ redis: { password: { file: '/nonexistent/pw' } } })), 'redis.password: cannot read /nonexistent/pw: ENOENT');
  t.equal(problems(base({ redis: { password: {} } })), 'redis.password: must name env or file');
  t.equal(problems(base({ redis: { password: 5 } })), 'redis.password: must be a string, { env: NAME } or { file: PATH }');
  t.match(problems(base({ redis: { password: { env: 'X', path: 'y' } } })), /^redis\.password\.path: unknown field \(known: env, file\)/);
});

t.test('a key written with no value is left out, and an empty section is an empty mapping; routing.default: null means no carrier', async (t) => {
  const c = buildConfig({ redis: null, queue: { leaseMs: null }, care: { caps: null }, routing: { default: null }, carriers: [{ ...carrier, tps: null }] });
  t.equal(c.queue.leaseMs, 15_000);
  t.equal(c.carriers[0]!.channels[0]!.tps, 100);
  t.same(c.care.caps, { marketing: { limit: 4, period: 'month' } });
  t.equal(c.routing.default, null);
  t.same(buildConfig(base({ care: { caps: { otp: null } } })).care.caps, { otp: { limit: 4, period: 'month' } }, 'a class written empty has the default cap');
});

t.test('lists: prefixes are digits or a table name, numbers read as their digits; SMPP statuses are integers', async (t) => {
  t.same(buildConfig(base({ carriers: [{ ...carrier, prefixes: ['china:cucc', 86199, '+44'] }] })).carriers[0]!.prefixes, ['china:cucc', '86199', '+44']);
  t.match(problems(base({ carriers: [{ ...carrier, prefixes: ['china:xx'] }] })), /^carriers\[0\]\.prefixes\[0\]: must be digits or one of china:cmcc, china:cucc, china:ctcc, got "china:xx"$/);
  t.equal(problems(base({ care: { optOutKeywords: ['STOP', {}] } })), 'care.optOutKeywords[1]: must be a string');
  t.equal(problems(base({ care: { invalidSubmitStatuses: 'x' } })), 'care.invalidSubmitStatuses: must be a list');
  t.equal(problems(base({ care: { invalidSubmitStatuses: [11, 0] } })), 'care.invalidSubmitStatuses[1]: must be an SMPP command_status (an integer, e.g. 0x0B), got 0');
});

t.test('each kind of field words its problem as before', async (t) => {
  t.equal(problems(base({ text: { signature: 5 } })), 'text.signature: must be a string, got number');
  t.equal(problems(base({ care: { dedupByContent: 'yes' } })), 'care.dedupByContent: must be true or false, got "yes"');
  t.equal(problems(base({ queue: { marketingShare: 'x' } })), 'queue.marketingShare: must be a number, got "x"');
  t.equal(problems(base({ log: { level: 'loud' } })), 'log.level: must be one of fatal, error, warn, info, debug, trace, silent, got "loud"');
  t.equal(problems(base({ care: { quietHours: { defaultTz: 'Mars/Base' } } })), 'care.quietHours.defaultTz: unknown time zone Mars/Base');
  t.equal(problems(base({ redis: { url: 'redis://[::1' } })), 'redis.url: is no valid URL (percent-encode a password holding / ? # or set redis.password)');
  t.equal(problems(base({ redis: { sentinels: [{ host: 'a', prot: 1 }] } })), 'redis.sentinels[0].prot: unknown field (known: host, port)');
  t.equal(problems(base({ redis: { sentinels: 'a' } })), 'redis.sentinels: must be a list of { host, port }');
  t.equal(problems('text'), '(root): must be a mapping');
  t.equal(problems({ carriers: ['cmcc'] }), 'carriers[0]: must be a mapping');
  t.equal(problems(base({ carriers: [{ ...carrier, otpWindowSlots: -1 }] })), 'carriers[0].otpWindowSlots: must be between 0 and 9, got -1');
});

t.test('a CMPP channel\'s fields: the version as a string or a number, the lengths of 2.0, a bindType of its own refused', async (t) => {
  const cmpp = (over: Record<string, unknown>, ch: Record<string, unknown> = {}) => ({
    carriers: [{ ...carrier, channels: [{ name: 'cm', protocol: 'cmpp', systemId: '901234', cmpp: { spNumber: '106', ...over }, ...ch }] }],
  });
  t.equal(problems(cmpp({ version: true })), 'carriers[0].channels[0].cmpp.version: must be "2.0" or "3.0", got true');
  t.equal(problems(cmpp({ version: '2.0', feeTerminalId: 'x'.repeat(22), feeType: '123' })),
    'carriers[0].channels[0].cmpp.feeType: must be at most 2 characters; carriers[0].channels[0].cmpp.feeTerminalId: must be at most 21 characters');
  t.equal(problems(cmpp({}, { cmpp: null })), 'carriers[0].channels[0].cmpp.spNumber: is required for a CMPP channel (the SP\'s service number, digits)');
  const inherited = cmpp({});
  (inherited.carriers[0] as Record<string, unknown>).bindType = 'transmitter+receiver';
  t.equal(buildConfig(inherited).carriers[0]!.channels[0]!.bindType, 'transceiver', 'a carrier\'s bindType is not its CMPP channels\'');
});

t.test('a TLS file a channel names is read with the carrier\'s tls, and a wrong one is named at the channel', async (t) => {
  const raw = { carriers: [{ ...carrier, tls: true, channels: [{ name: 'a', tlsCaFile: '/nonexistent/ca.pem' }] }] };
  t.equal(problems(raw), 'carriers[0].channels[0].tlsCaFile: cannot read /nonexistent/ca.pem: ENOENT');
  const unused = { carriers: [{ ...carrier, tlsCaFile: '/nonexistent/ca.pem', tls: true, channels: [{ name: 'a', tlsCaFile: '' }] }] };
  t.equal(problems(unused), 'carriers[0].tlsCaFile: cannot read /nonexistent/ca.pem: ENOENT', 'a carrier-level file no channel uses is still read');
});
