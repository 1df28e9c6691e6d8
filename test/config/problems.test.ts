import t from 'tap';
import { buildConfig } from '../../src/config/schema.js';
import { SmppdError } from '../../src/errors.js';

function invalid(raw: unknown): SmppdError {
  try {
    buildConfig(raw, {});
  } catch (e) {
    if (e instanceof SmppdError && e.code === 'CONFIG_INVALID') return e;
    throw e;
  }
  throw new Error('valid');
}

const carrier = (name: string, over: Record<string, unknown> = {}) => ({ name, host: '127.0.0.1', systemId: 'x', ...over });

t.test('unknown fields come first, the outermost first, as a typo may explain the other problems', async (t) => {
  const e = invalid({ queue: { leaseMs: 0, bogus: 1 }, colour: 'blue', carriers: [carrier('cmcc', { windowsize: 5 })] });
  t.equal(e.path, 'colour');
  t.same(e.message.split('; ').map((p) => p.slice(0, p.indexOf(':'))), ['colour', 'queue.bogus', 'carriers[0].windowsize', 'queue.leaseMs']);
  t.match(e.message, /^colour: unknown field \(known: instanceId, redis, metrics, log, pool, intake, queue, text, routing, care, shutdown, carriers\)/);
});

t.test('every carrier is checked: a rule between fields of one carrier is named beside a wrong field of another', async (t) => {
  const e = invalid({ carriers: [carrier('cmcc', { port: 'x' }), carrier('cucc', { reconnectMinMs: 5000, reconnectMaxMs: 1000 })] });
  t.equal(e.message, 'carriers[0].port: must be an integer, got "x"; carriers[1].reconnectMinMs: must not exceed reconnectMaxMs (1000)');
});

t.test('a rule between fields waits until they are valid: no second problem grows from the first', async (t) => {
  const e = invalid({ carriers: [carrier('cmcc', { windowSize: 0, maxParts: 5 })] });
  t.equal(e.message, 'carriers[0].windowSize: must be between 1 and 1000, got 0');
});

t.test('a wrong carrier-level default its channels inherit is named once, at the carrier', async (t) => {
  const e = invalid({ carriers: [carrier('cmcc', { tlsCaFile: '/nonexistent/ca.pem', tls: true, channels: [{ name: 'a' }, { name: 'b' }] })] });
  t.equal(e.message, 'carriers[0].tlsCaFile: cannot read /nonexistent/ca.pem: ENOENT');
});

t.test('names are unique: carriers among carriers, channels among every carrier\'s channels', async (t) => {
  t.equal(invalid({ carriers: [carrier('cmcc'), carrier('cmcc')] }).message, 'carriers[1].name: duplicate carrier name cmcc; carriers[1].name: duplicate channel name cmcc');
  t.equal(invalid({ routing: { default: 'ctcc' }, carriers: [carrier('cmcc')] }).message, 'routing.default: names no carrier: ctcc');
  t.equal(invalid({ carriers: [] }).message, 'carriers: must be a non-empty list');
  t.equal(invalid({}).message, 'carriers: must be a non-empty list');
  t.equal(invalid({ carriers: [carrier('cmcc', { channels: 'a' })] }).message,
    'carriers[0].channels: must be a non-empty list (or left out: one SMPP channel named as the carrier)');
});

t.test('a rule over the file waits only for the fields it compares: routing.default is checked beside a wrong queue field', async (t) => {
  t.equal(invalid({ routing: { default: 'zz' }, queue: { leaseMs: 5 }, carriers: [carrier('cmcc')] }).message,
    'queue.leaseMs: must be between 1000 and 600000, got 5; routing.default: names no carrier: zz');
  t.equal(invalid({ queue: { leaseMs: 5, retentionMs: 5000, streamRetentionMs: 6000 }, carriers: [carrier('cmcc')] }).message,
    'queue.leaseMs: must be between 1000 and 600000, got 5; queue.streamRetentionMs: must be between 1000 and 5000, got 6000');
});

t.test('names are compared beside a wrong field of another carrier', async (t) => {
  t.equal(invalid({ carriers: [carrier('a'), carrier('a'), carrier('b', { tps: 0 })] }).message,
    'carriers[2].tps: must be between 1 and 100000, got 0; carriers[1].name: duplicate carrier name a; carriers[1].name: duplicate channel name a');
});
