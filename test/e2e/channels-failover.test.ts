/**
 * Failover between a carrier's channels through the daemon: China Mobile over a direct CMPP line first and
 * an aggregator's SMPP line second. The direct line dies, the aggregator carries the traffic, the direct
 * line returns and takes it back; every job ends once and none reaches the SMSCs twice (docs/CHANNELS.md).
 */
import t from 'tap';
import { FINAL, waitForEvents, writeConfig, type Ev } from '../helpers/daemon.js';
import { startStack } from '../helpers/stack.js';

const SP_ID = '901234';
const SECRET = 'cmpp-secret';

t.test('the primary CMPP channel dies, the SMPP backup carries the traffic, the primary takes it back', async (t) => {
  const stack = await startStack(t, {
    carriers: [{ name: 'cmcc', protocol: 'cmpp', version: '3.0', spId: SP_ID, secret: SECRET }, 'agg'],
    daemon: false,
  });
  const { sim, redis } = stack;
  const config = writeConfig({
    redisUrl: stack.srv.url, ports: { cmcc: sim.ports.cmcc! }, extra: { queue: { leaseMs: 3000 } },
    perCarrier: {
      cmcc: {
        failover: { afterMs: 1000 },
        channels: [
          { name: 'cmcc-direct', protocol: 'cmpp', host: '127.0.0.1', port: sim.ports.cmcc, systemId: SP_ID, password: SECRET,
            priority: 1, cmpp: { version: '3.0', spNumber: '1065700', serviceId: 'SMPPD' } },
          { name: 'agg', protocol: 'smpp', host: '127.0.0.1', port: sim.ports.agg, systemId: 'smppd', password: 'pw', priority: 2 },
        ],
      },
    },
  });
  const daemon = stack.spawnDaemon({ config });
  await daemon.waitFor(/smppd running/);

  let next = 0;
  const push = async (n: number): Promise<string[]> => {
    const ids: string[] = [];
    const p = redis.pipeline();
    for (let i = 0; i < n; i++, next++) {
      ids.push(`fo-${next}`);
      p.xadd('smppd:jobs', '*', 'job', JSON.stringify({ id: `fo-${next}`, to: `1380013${String(next).padStart(4, '0')}`, text: `order ${next} shipped` }));
    }
    await p.exec();
    return ids;
  };
  const finalsOf = async (ids: string[]): Promise<Ev[]> => {
    const want = new Set(ids);
    const evs = await waitForEvents(redis, (e) => new Set(e.filter((x) => want.has(x.id) && FINAL.has(x.state)).map((x) => x.id)).size >= want.size, 60_000);
    return evs.filter((x) => want.has(x.id));
  };
  const channelsOf = (evs: Ev[]): string[] => [...new Set(evs.filter((e) => e.state === 'submitted').map((e) => String(e.channel)))];

  const first = await finalsOf(await push(20));
  t.same(channelsOf(first), ['cmcc-direct'], 'while the direct line is up, it carries every message');

  sim.setBehaviours('cmcc', { refuseBinds: 1_000_000 });
  sim.disconnect('cmcc');
  await daemon.waitFor(/"channel":"cmcc-direct"[^\n]*"msg":"channel healthy -> unbound"/);
  const second = await finalsOf(await push(20));
  t.same(channelsOf(second), ['agg'], 'with the direct line down, the aggregator carries every message');

  sim.setBehaviours('cmcc', {});
  await daemon.waitFor(/"channel":"cmcc-direct"[^\n]*"msg":"channel unbound -> healthy"/);
  const third = await finalsOf(await push(20));
  t.same(channelsOf(third), ['cmcc-direct'], 'once the direct line binds again, it takes the traffic back');

  const all = [...first, ...second, ...third].filter((e) => FINAL.has(e.state));
  t.equal(all.length, 60, 'one final event per job');
  t.ok(all.every((e) => e.state === 'delivered'), 'every job delivered, receipts matched on the channel its part went out on');
  const texts = sim.submits.map((s) => s.text);
  t.equal(texts.length, 60, 'the SMSCs saw 60 submits in all');
  t.equal(new Set(texts).size, 60, 'none of them twice');
  t.equal(sim.submits.filter((s) => s.carrier === 'agg').length, 20, 'the aggregator saw the 20 of the outage');
});
