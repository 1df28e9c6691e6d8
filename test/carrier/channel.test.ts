import t from 'tap';
import { Carrier } from '../../src/carrier/carrier.js';
import { submitBody } from '../../src/cmpp/submit.js';
import type { CmppSubmit } from '../../src/cmpp/submit.js';
import { startSimulator } from '../../src/sim/index.js';
import { settleRecordFor } from '../../src/pipeline/outcome-policy.js';
import { bodiesFor, channelCarrier } from '../helpers/channel-config.js';
import { sendMany } from '../helpers/send-many.js';
import { until } from '../helpers/until.js';

const SP_ID = '901234';
const SECRET = 'shared-secret';

const submit = (text: string): Uint8Array => submitBody('3.0', {
  msgId: Buffer.alloc(8), pkTotal: 1, pkNumber: 1, registeredDelivery: 1, msgLevel: 0, serviceId: 'smppd',
  feeUserType: 2, feeTerminalId: '', feeTerminalType: 0, tpPid: 0, tpUdhi: 0, msgFmt: 8, msgSrc: SP_ID,
  feeType: '02', feeCode: '000000', validTime: '', atTime: '', srcId: '1065712345', destTerminalIds: ['13800138000'],
  destTerminalType: 0, content: Buffer.from(text, 'utf16le').swap16(), linkId: '',
} satisfies CmppSubmit);

async function cmppCarrier(t: any, channel: Record<string, unknown> = {}) {
  const sim = await startSimulator({ carriers: [{ name: 'ismg', port: 0, protocol: 'cmpp', version: '3.0', spId: SP_ID, secret: SECRET }] });
  const carrier = new Carrier(channelCarrier([{
    name: 'cm-cmpp', protocol: 'cmpp', port: sim.ports.ismg, systemId: SP_ID, password: SECRET,
    cmpp: { version: '3.0', spNumber: '1065712345' }, ...channel,
  }]));
  t.teardown(async () => {
    await carrier.close();
    await sim.close();
  });
  carrier.start();
  await until('the CMPP channel binds', () => carrier.bindsUp() === ((channel.binds as number | undefined) ?? 1));
  return { sim, carrier };
}

t.test('a CMPP channel logs in with CMPP_CONNECT and sends CMPP_SUBMITs; each outcome names its channel', async (t) => {
  const { sim, carrier } = await cmppCarrier(t);
  t.equal(sim.stats().ismg!.binds, 1, 'the ISMG checked the SP id and the authenticator');
  const [outs] = await Promise.all(sendMany(carrier, [bodiesFor({ 'cm-cmpp': [submit('你好')] })]));
  t.match(outs, [{ kind: 'response', status: 0, channel: 'cm-cmpp', resultClass: 'ok' }]);
  t.match(outs![0], { pdu: { message_id: /^\d+$/ } }, 'the Msg_Id in its decimal form');
  t.match(sim.submits, [{ carrier: 'ismg', protocol: 'cmpp', to: '13800138000' }]);
});

t.test('a CMPP flow-control answer (Result 8) pauses the bind and fails nothing', async (t) => {
  const { sim, carrier } = await cmppCarrier(t);
  sim.setBehaviours('ismg', { throttlePct: 100 });
  const throttled = new Promise<any>((resolve) => carrier.once('throttled', resolve));
  const [outs] = await Promise.all(sendMany(carrier, [bodiesFor({ 'cm-cmpp': [submit('a')] })]));
  t.match(outs, [{ kind: 'response', status: 8, resultClass: 'throttled' }]);
  t.match(await throttled, { channel: 'cm-cmpp', status: 8, pauseMs: 150 });
  t.equal(carrier.capacity(), 0, 'the bind is paused');
  t.same(settleRecordFor('j1', { carrier: 'cm', parts: 1, meta: '' }, outs!, (_c, id) => id), { act: 'requeue', id: 'j1' },
    'the job goes back to its lane, no attempt spent');
  sim.setBehaviours('ismg', {});
  await carrier.whenCapacity();
  const [ok] = await Promise.all(sendMany(carrier, [bodiesFor({ 'cm-cmpp': [submit('b')] })]));
  t.match(ok, [{ kind: 'response', status: 0 }], 'sends again once the pause is over');
});

t.test('a CMPP permanent result is read as CMPP reads it, not as the SMPP status of the same number', async (t) => {
  const { sim, carrier } = await cmppCarrier(t);
  sim.setBehaviours('ismg', { rejectPct: 100 }); // Result 13 in 3.0: invalid Dest_terminal_Id
  const [outs] = await Promise.all(sendMany(carrier, [bodiesFor({ 'cm-cmpp': [submit('a')] })]));
  t.match(outs, [{ kind: 'response', status: 13, resultClass: 'permanent' }]);
  const rec = settleRecordFor('j1', { carrier: 'cm', parts: 1, meta: '' }, outs!, (_c, id) => id);
  t.match(rec, { act: 'fail', error: 'CMPP Result 13 (invalid Dest_terminal_Id)', badNumber: true }, 'worded as CMPP, the number marked');
  t.notOk('status' in rec, 'no SMPP status for care.invalidSubmitStatuses to misread (11 is ESME_RINVDSTADR there)');
});

t.test('a CMPP channel opens every bind as one kind, whatever the carrier-level bindType', async (t) => {
  const sim = await startSimulator({ carriers: [{ name: 'ismg', port: 0, protocol: 'cmpp', version: '2.0', spId: SP_ID, secret: SECRET }] });
  const cfg = channelCarrier([{
    name: 'cm-cmpp', protocol: 'cmpp', port: sim.ports.ismg, systemId: SP_ID, password: SECRET, cmpp: { version: 2.0, spNumber: '106' },
  }], { bindType: 'transmitter+receiver', binds: 2 });
  const carrier = new Carrier(cfg);
  t.teardown(async () => {
    await carrier.close();
    await sim.close();
  });
  carrier.start();
  await until('both connections', () => carrier.bindsUp() === 2);
  t.equal(sim.stats().ismg!.connections, 2, 'two connections, each submitting and taking DELIVERs: no receiver-only ones');
});
