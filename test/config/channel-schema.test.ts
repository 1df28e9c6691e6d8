import t from 'tap';
import { buildConfig } from '../../src/config/schema.js';
import { SmppdError } from '../../src/errors.js';

const cmppCh = (over: Record<string, unknown> = {}) => ({
  name: 'cm-cmpp', protocol: 'cmpp', host: '10.0.0.2', systemId: '901234', password: { env: 'CMPP_SECRET' },
  cmpp: { version: 3.0, spNumber: '1065712345' }, ...over,
});

const withChannels = (channels: unknown[], carrier: Record<string, unknown> = {}): Record<string, any> => ({
  carriers: [{ name: 'cmcc', host: '10.0.0.1', systemId: 'smppd', tps: 300, windowSize: 20, channels, ...carrier }],
});

const env = { CMPP_SECRET: 'shared' };

function pathOf(raw: unknown): string | undefined {
  try {
    buildConfig(raw, env);
  } catch (e) {
    if (e instanceof SmppdError && e.code === 'CONFIG_INVALID') return e.path;
    throw e;
  }
  return undefined;
}

t.test('a carrier lists its channels; carrier-level channel fields are their defaults and a channel\'s own value wins', async (t) => {
  const c = buildConfig(withChannels([{ name: 'cm-smpp', tps: 50 }, cmppCh({ priority: 2 })]), env).carriers[0]!;
  t.same(c.channels.map((ch) => [ch.name, ch.protocol, ch.priority, ch.weight]), [['cm-smpp', 'smpp', 1, 1], ['cm-cmpp', 'cmpp', 2, 1]]);
  const [smpp, cmpp] = c.channels;
  t.equal(smpp!.tps, 50, 'the channel\'s own value');
  t.equal(cmpp!.tps, 300, 'inherited from the carrier');
  t.equal(smpp!.host, '10.0.0.1');
  t.equal(cmpp!.host, '10.0.0.2');
  t.equal(smpp!.windowSize, 20);
  t.equal(smpp!.port, 2775, 'SMPP\'s default port');
  t.equal(cmpp!.port, 7890, 'CMPP\'s default port');
  t.equal(cmpp!.password, 'shared', 'a CMPP shared secret is a secret: { env } works');
  t.same(cmpp!.cmpp, {
    version: '3.0', spNumber: '1065712345', serviceId: '', feeUserType: 2, feeTerminalId: '', feeType: '02', feeCode: '000000',
    msgLevel: 0, tpPid: 0, linkId: '',
  }, 'YAML\'s number 3.0 reads as version "3.0"; every other CMPP field has its default');
  t.equal(smpp!.cmpp, undefined);
  t.same(c.failover, { afterMs: 30_000, windowMs: 60_000, maxPermanentShare: 0.5, maxThrottleShare: 0.8, minAnswers: 50 });
  t.notOk('tps' in c, 'a carrier keeps no channel fields of its own: they are its channels\'');
});

t.test('channels are kept in priority order, the file\'s order among equals', async (t) => {
  const c = buildConfig(withChannels([{ name: 'b', priority: 2 }, { name: 'a', priority: 1, weight: 3 }, { name: 'c', priority: 1 }]), env).carriers[0]!;
  t.same(c.channels.map((ch) => ch.name), ['a', 'c', 'b']);
  t.equal(c.channels[0]!.weight, 3);
});

t.test('the carrier-level form is one SMPP channel named as the carrier, as before', async (t) => {
  const c = buildConfig({ carriers: [{ name: 'cmcc', host: 'h', systemId: 'x', tps: 70, failover: { afterMs: 5000 } }] }, env).carriers[0]!;
  t.equal(c.channels.length, 1);
  t.match(c.channels[0], { name: 'cmcc', protocol: 'smpp', priority: 1, weight: 1, host: 'h', port: 2775, tps: 70 });
  t.equal(c.failover.afterMs, 5000);
  t.equal(c.failover.windowMs, 60_000);
});

t.test('otpWindowSlots defaults to a tenth of the smallest channel\'s window', async (t) => {
  const c = buildConfig(withChannels([{ name: 'big', windowSize: 50, binds: 2 }, { name: 'small', windowSize: 30, binds: 1 }]), env).carriers[0]!;
  t.equal(c.otpWindowSlots, 3);
});

t.test('a wrong channel field is reported at the path of the value to fix', async (t) => {
  const cases: [string, unknown[], Record<string, unknown>?][] = [
    ['carriers[0].channels[1].cmpp.spNumber', [{ name: 'a' }, cmppCh({ cmpp: { version: '3.0' } })]],
    ['carriers[0].channels[0].cmpp.spNumber', [cmppCh({ cmpp: { spNumber: '10657x' } })]],
    ['carriers[0].channels[0].cmpp.version', [cmppCh({ cmpp: { version: 4, spNumber: '1' } })]],
    ['carriers[0].channels[0].cmpp.linkId', [cmppCh({ cmpp: { version: '2.0', spNumber: '1', linkId: 'x' } })]],
    ['carriers[0].channels[0].cmpp.feeUserType', [cmppCh({ cmpp: { spNumber: '1', feeUserType: 4 } })]],
    ['carriers[0].channels[0].cmpp.msgLevel', [cmppCh({ cmpp: { spNumber: '1', msgLevel: 10 } })]],
    ['carriers[0].channels[0].cmpp.bogus', [cmppCh({ cmpp: { spNumber: '1', bogus: 1 } })]],
    ['carriers[0].channels[0].cmpp', [{ name: 'a', cmpp: { spNumber: '1' } }]],
    ['carriers[0].channels[0].systemId', [cmppCh({ systemId: 'abc' })]],
    ['carriers[0].channels[0].bindType', [cmppCh({ bindType: 'transmitter+receiver' })]],
    ['carriers[0].channels[0].protocol', [{ name: 'a', protocol: 'smtp' }]],
    ['carriers[0].channels[0].priority', [{ name: 'a', priority: 0 }]],
    ['carriers[0].channels[0].weight', [{ name: 'a', weight: 1001 }]],
    ['carriers[0].channels[0].name', [{ name: 'A b' }]],
    ['carriers[0].channels[1].name', [{ name: 'a' }, { name: 'a' }]],
    ['carriers[0].channels[0].port', [{ name: 'a', port: 0 }]],
    ['carriers[0].channels[0].failover', [{ name: 'a', failover: {} }]],
    ['carriers[0].tps', [{ name: 'a' }], { tps: 0 }],
    ['carriers[0].port', [{ name: 'a', port: 2775 }], { port: 'x' }], // a default no channel uses is checked too
    ['carriers[0].maxParts', [{ name: 'a' }, { name: 'b', windowSize: 5 }]],
    ['carriers[0].failover.maxPermanentShare', [{ name: 'a' }], { failover: { maxPermanentShare: 1.5 } }],
    ['carriers[0].failover.minAnswers', [{ name: 'a' }], { failover: { minAnswers: 0 } }],
    ['carriers[0].failover.after', [{ name: 'a' }], { failover: { after: 1 } }],
    ['carriers[0].channels', []],
  ];
  for (const [path, channels, carrier] of cases) t.equal(pathOf(withChannels(channels, carrier)), path, `reports ${path}`);
});

t.test('a channel name is unique among every carrier\'s channels, the carrier-level form\'s included', async (t) => {
  const raw = withChannels([{ name: 'cucc' }]);
  raw.carriers.push({ name: 'cucc', host: 'h', systemId: 'x' });
  t.equal(pathOf(raw), 'carriers[1].name');
  const raw2 = { carriers: [{ name: 'cucc', host: 'h', systemId: 'x' }, ...withChannels([{ name: 'x' }, { name: 'cucc' }]).carriers] };
  t.equal(pathOf(raw2), 'carriers[1].channels[1].name');
});

t.test('CMPP 2.0 written as a string or a number reads as "2.0"', async (t) => {
  for (const version of ['2.0', 2, 2.0]) {
    const c = buildConfig(withChannels([cmppCh({ cmpp: { version, spNumber: '106' } })]), env).carriers[0]!;
    t.equal(c.channels[0]!.cmpp!.version, '2.0', JSON.stringify(version));
  }
});

t.test('concat payload beside a channel that cuts the text into parts is refused where it is written', async (t) => {
  const mixed = (where: 'carrier' | 'channel'): Record<string, unknown> => ({
    carriers: [{
      name: 'cmcc', host: '127.0.0.1', systemId: 'x', ...(where === 'carrier' ? { concat: 'payload' } : {}),
      channels: [
        { name: 'cm-smpp', ...(where === 'channel' ? { concat: 'payload' } : {}) },
        { name: 'cm-cmpp', protocol: 'cmpp', systemId: '901234', cmpp: { spNumber: '106' } },
      ],
    }],
  });
  t.throws(() => buildConfig(mixed('channel'), {}), { code: 'CONFIG_INVALID', path: 'carriers[0].channels[0].concat' });
  t.throws(() => buildConfig(mixed('carrier'), {}), { code: 'CONFIG_INVALID', path: 'carriers[0].concat' });
  const allPayload = { carriers: [{ name: 'cmcc', host: '127.0.0.1', systemId: 'x', concat: 'payload', channels: [{ name: 'a' }, { name: 'b' }] }] };
  t.equal(buildConfig(allPayload, {}).carriers[0]!.channels.length, 2, 'every channel SMPP with payload is fine');
});

t.test('reconnectMinMs and reconnectMaxMs are compared per channel, as each channel resolves them', async (t) => {
  const cfg = (carrier: Record<string, unknown>, channel: Record<string, unknown>) => ({
    carriers: [{ name: 'cmcc', host: '127.0.0.1', systemId: 'x', ...carrier, channels: [{ name: 'a', ...channel }, { name: 'b', ...channel }] }],
  });
  t.equal(buildConfig(cfg({ reconnectMinMs: 60_000 }, { reconnectMaxMs: 120_000 }), {}).carriers[0]!.channels[0]!.reconnectMinMs, 60_000,
    'a carrier-level floor above the default ceiling is fine when every channel raises the ceiling');
  t.throws(() => buildConfig(cfg({ reconnectMinMs: 60_000 }, {}), {}), { code: 'CONFIG_INVALID', path: 'carriers[0].reconnectMinMs' });
  try {
    buildConfig(cfg({ tps: 0 }, {}), {});
    t.fail('tps 0 is refused');
  } catch (e) {
    t.equal((e as Error).message.split('carriers[0].tps').length - 1, 1, 'a wrong carrier-level default is named once, not once per channel');
  }
});

t.test('CMPP 2.0 refuses a linkId even written empty, and names a too long feeTerminalId once, with 2.0\'s bound', async (t) => {
  t.equal(pathOf(withChannels([cmppCh({ cmpp: { version: '2.0', spNumber: '1', linkId: '' } })])), 'carriers[0].channels[0].cmpp.linkId');
  t.equal(buildConfig(withChannels([cmppCh()]), env).carriers[0]!.channels[0]!.cmpp!.linkId, '', 'left out, it is empty');
  try {
    buildConfig(withChannels([cmppCh({ cmpp: { version: '2.0', spNumber: '1', feeTerminalId: 'x'.repeat(40) } })]), env);
    t.fail('valid');
  } catch (e) {
    t.equal((e as Error).message, 'carriers[0].channels[0].cmpp.feeTerminalId: must be at most 21 characters');
  }
  t.equal(pathOf(withChannels([cmppCh({ cmpp: { spNumber: '1', feeTerminalId: 'x'.repeat(33) } })])), 'carriers[0].channels[0].cmpp.feeTerminalId', '3.0: at most 32');
  t.equal(pathOf(withChannels([cmppCh({ cmpp: { spNumber: '1', feeTerminalId: 'x'.repeat(32) } })])), undefined);
});
