import t from 'tap';
import { FakeSmsc } from '../helpers/fake-smsc.js';
import { Carrier } from '../../src/carrier/carrier.js';
import { encodeBody } from '../../src/smpp/pdu-codec.js';
import type { CarrierConfig } from '../../src/config/types.js';

const body = encodeBody('submit_sm', { destination_addr: '8613912345678', short_message: 'rate' });

/** Most submits seen at the SMSC inside any window of windowMs (each window starting at an arrival). */
function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= windowMs) lo++;
    max = Math.max(max, hi - lo + 1);
  }
  return max;
}

t.test('at tps 50 over two seconds no one-second window holds more than 50 submits at the SMSC', async (t) => {
  const smsc = await FakeSmsc.start();
  const cfg = {
    name: 'rate', host: '127.0.0.1', port: smsc.port, tls: false, systemId: 'esme', password: 'pw', systemType: '',
    bindType: 'transceiver', binds: 2, windowSize: 100, tps: 50, bindTps: 0, responseTimeoutMs: 500,
    enquireLinkMs: 5000, bindTimeoutMs: 500, reconnectMinMs: 20, reconnectMaxMs: 200, throttlePauseMs: 100,
    slowResponseMs: 1000,
  } as CarrierConfig;
  const carrier = new Carrier(cfg);
  t.teardown(async () => {
    await carrier.close();
    await smsc.close();
  });
  carrier.start();
  await smsc.waitFor(() => carrier.bindsUp() === 2);
  const total = 140;
  let sent = 0;
  const started = performance.now();
  const pending: Promise<unknown>[] = [];
  while (sent < total) {
    await carrier.whenCapacity();
    const n = Math.min(carrier.capacity(), total - sent);
    const outs = carrier.sendMany(Array.from({ length: n }, () => [body]));
    pending.push(...outs);
    sent += n;
  }
  const outcomes = (await Promise.all(pending)) as { kind: string }[][];
  const elapsedMs = performance.now() - started;
  await smsc.waitFor(() => smsc.commands('submit_sm').length === total);
  const times = smsc.commands('submit_sm').map((r) => r.atMs);
  const worst = maxInWindow(times, 1000);
  t.comment(`140 submits at tps 50: ${elapsedMs.toFixed(0)} ms, busiest 1 s window at the SMSC ${worst}`);
  t.ok(outcomes.flat().every((o) => o.kind === 'response'), 'every submit answered');
  t.ok(worst <= 50, `busiest one-second window: ${worst}`);
  t.equal(worst, 50, 'the limit is used, not just respected');
  t.ok(elapsedMs >= 2000 && elapsedMs < 2600, `140 at 50/s takes just over 2 s (${elapsedMs.toFixed(0)} ms)`);
  const perConn = [0, 0];
  for (const r of smsc.commands('submit_sm')) perConn[r.conn]!++;
  t.ok(perConn[0]! <= 75 && perConn[1]! <= 75, `per-bind share within tps/binds per second (${perConn.join('/')})`);
});
