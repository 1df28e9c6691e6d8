import t from 'tap';
import { startStack } from '../helpers/stack.js';
import { waitForEvents, FINAL, type Ev } from '../helpers/daemon.js';

// cmcc refuses one number with ESME_RINVDSTADR (0x0B: no such destination) and another with
// ESME_RINVDSTTON (0x50: the TON this side sent, true of every number, so it marks nothing).
const NO_SUCH = '8613800000031';
const BAD_TON = '8613800000032';
const stack = await startStack(t, {
  carriers: ['cmcc'],
  behaviours: { cmcc: { statusFor: { [NO_SUCH]: 0x0b, [BAD_TON]: 0x50 } } },
  extra: { queue: { leaseMs: 3000 }, care: { invalidForMs: 600_000 } },
});
const { redis, sim } = stack;
const push = (job: Record<string, unknown>) => redis.xadd('smppd:jobs', '*', 'job', JSON.stringify(job));
const finalOf = async (id: string): Promise<Ev> => (await waitForEvents(redis, (evs) => evs.some((e) => e.id === id && FINAL.has(e.state)), 30_000))
  .find((e) => e.id === id && FINAL.has(e.state))!;

t.test('a submit refused ESME_RINVDSTADR marks the number invalid: the next job to it is rejected INVALID_NUMBER unsent', async (t) => {
  await push({ id: 'dst-1', to: `+${NO_SUCH}`, text: 'hello' });
  const first = await finalOf('dst-1');
  t.equal(first.state, 'failed');
  t.equal(first.code, 'SMSC_REJECTED');
  t.match(await redis.get(`smppd:invalid:+${NO_SUCH}`), /^submit command_status 0x0000000b$/, 'the mark says why');
  const ttl = await redis.pttl(`smppd:invalid:+${NO_SUCH}`);
  t.ok(ttl > 500_000 && ttl <= 600_000, `kept care.invalidForMs (${ttl} ms left)`);
  const sent = sim.submits.filter((s) => s.to === NO_SUCH).length;
  await push({ id: 'dst-2', to: `+${NO_SUCH}`, text: 'hello again', class: 'otp' });
  const second = await finalOf('dst-2');
  t.equal(second.state, 'rejected');
  t.equal(second.code, 'INVALID_NUMBER');
  t.equal(sim.submits.filter((s) => s.to === NO_SUCH).length, sent, 'nothing more reached the SMSC');
});

t.test('a wrong destination TON (ESME_RINVDSTTON) fails the job but marks nothing', async (t) => {
  await push({ id: 'ton-1', to: `+${BAD_TON}`, text: 'hello' });
  t.equal((await finalOf('ton-1')).code, 'SMSC_REJECTED');
  t.equal(await redis.exists(`smppd:invalid:+${BAD_TON}`), 0);
  sim.setBehaviours('cmcc', { statusFor: {} });
  await push({ id: 'ton-2', to: `+${BAD_TON}`, text: 'hello again' });
  t.equal((await finalOf('ton-2')).state, 'delivered', 'the number is still served');
});

t.test("over CMPP 3.0, Result 13 (invalid Dest_terminal_Id) fails the job in CMPP's words and marks the number", async (t) => {
  const cm = await startStack(t, {
    carriers: [{ name: 'cmcc', protocol: 'cmpp', version: '3.0', spId: '901234', secret: 'cmpp-secret' }],
    behaviours: { cmcc: { statusFor: { '13800000041': 0x0b } } },
    perCarrier: { cmcc: { channels: [{ name: 'cmcc-direct', protocol: 'cmpp', systemId: '901234', password: 'cmpp-secret', cmpp: { version: '3.0', spNumber: '1065700' } }] } },
    extra: { queue: { leaseMs: 3000 }, care: { invalidForMs: 600_000 } },
  });
  await cm.redis.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: 'cm-1', to: '+8613800000041', text: 'hello' }));
  const ev = (await waitForEvents(cm.redis, (evs) => evs.some((e) => e.id === 'cm-1' && FINAL.has(e.state)), 30_000)).find((e) => e.id === 'cm-1' && FINAL.has(e.state))!;
  t.match(ev, { state: 'failed', code: 'SMSC_REJECTED', error: 'CMPP Result 13 (invalid Dest_terminal_Id)' }, 'the event words the Result as CMPP does');
  t.match(await cm.redis.get('smppd:invalid:+8613800000041'), /^submit CMPP Result 13/, 'the number is marked invalid');
});
