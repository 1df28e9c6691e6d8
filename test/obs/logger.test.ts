import t from 'tap';
import { Writable } from 'node:stream';
import { createLogger, maskNumber } from '../../src/obs/logger.js';

function capture(): { lines: () => Record<string, unknown>[]; raw: () => string; stream: Writable } {
  let buf = '';
  const stream = new Writable({ write(chunk: Buffer, _enc, cb) { buf += chunk.toString(); cb(); } });
  return { stream, raw: () => buf, lines: () => buf.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

t.test('maskNumber keeps the first 3 and last 2 digits of every number in a string', async (t) => {
  t.equal(maskNumber('13800138000'), '138******00');
  t.equal(maskNumber('+8613800138000'), '+861********00');
  t.equal(maskNumber('send to 13800138000 and 13912345678 now'), 'send to 138******00 and 139******78 now');
  t.equal(maskNumber('job 42 part 3'), 'job 42 part 3', 'short numbers (ids, counts) are kept');
});

t.test('log lines are JSON; numbers are masked in fields, nested fields and messages; passwords and TLS keys are censored', async (t) => {
  const c = capture();
  const log = createLogger({ level: 'debug', destination: c.stream });
  log.info({ to: '13800138000', job: { from: '+447700900123' }, password: 'hunter2', carrier: { password: 'pw-2', tlsKey: 'key-pem-1' } }, 'sent to 13912345678');
  log.child({ carrier: 'cmcc' }).debug({ msisdn: '8613312345678' }, 'mo');
  log.info({ redis: { url: 'redis://:hunter3@h:6379' } }, 'connecting');
  log.flush();
  await new Promise((r) => setTimeout(r, 50));
  const [a, b, c3] = c.lines();
  t.equal(a!.to, '138******00');
  t.same(a!.job, { from: '+447*******23' });
  t.equal(a!.password, '***');
  t.same(a!.carrier, { password: '***', tlsKey: '***' });
  t.equal(a!.msg, 'sent to 139******78');
  t.equal(b!.msisdn, '861********78');
  t.same(c3!.redis, { url: '***' });
  for (const secret of ['hunter2', 'pw-2', 'key-pem-1', 'hunter3', '13800138000', '447700900123', '13912345678', '8613312345678']) {
    t.notOk(c.raw().includes(secret), `${secret} does not appear`);
  }
});
