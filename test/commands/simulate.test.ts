import t from 'tap';
import { randomInt } from 'node:crypto';
import { parseCmpp, simulate } from '../../src/commands/simulate.js';
import { Exit, type Io } from '../../src/commands/io.js';
import { until } from '../helpers/until.js';
import { CmppTestClient } from '../sim/fixtures/cmpp-client.js';

t.test('--cmpp names carriers that play a CMPP ISMG, version 2.0 unless given', async (t) => {
  t.same(parseCmpp(undefined), {});
  t.same(parseCmpp('cmcc:3.0, ctcc'), { cmcc: '3.0', ctcc: '2.0' });
  t.throws(() => parseCmpp('nowhere'), /no carrier named nowhere/);
  t.throws(() => parseCmpp('cmcc:4.0'), /not name or name:2.0 or name:3.0/);
});

function testIo(): { io: Io; out: string[]; err: string[]; stop: () => void } {
  const out: string[] = [];
  const err: string[] = [];
  let stop = (): void => undefined;
  const signal = new Promise<string>((resolve) => (stop = () => resolve('SIGTERM')));
  const io: Io = { env: {}, out: (l) => out.push(l), err: (l) => err.push(l), onSignal: () => () => undefined, untilSignal: () => signal };
  return { io, out, err, stop };
}

t.test('a bad --cmpp is a usage error naming the option', async (t) => {
  const { io, err } = testIo();
  t.equal(await simulate({ cmpp: 'cmcc:9' }, io), Exit.USAGE);
  t.match(err.join('\n'), /--cmpp/);
});

t.test('smppd simulate --cmpp cucc:3.0 serves CMPP 3.0 logins and submits on the second port', async (t) => {
  for (let attempt = 0; ; attempt++) {
    const basePort = randomInt(20_000, 60_000);
    const { io, out, stop } = testIo();
    t.teardown(stop);
    let ended = false;
    const run = simulate({ basePort, cmpp: 'cucc:3.0' }, io).finally(() => (ended = true));
    await until('the simulator listening or refused', () => out.length > 0 || ended);
    if (!out[0]?.startsWith('simulator listening')) {
      if (attempt < 5) continue; // a port was taken: try other ones
      t.fail(`simulator did not start (exit ${await run})`);
      return;
    }
    t.match(out[0], `cucc=127.0.0.1:${basePort + 1} (cmpp 3.0)`);
    const c = await CmppTestClient.connect(basePort + 1, '3.0');
    t.teardown(() => c.close());
    t.equal((await c.login('123456', 'any')).resp.version, 0x30);
    t.equal((await c.submit()).result, 0);
    c.close();
    stop();
    t.equal(await run, Exit.OK);
    return;
  }
});
