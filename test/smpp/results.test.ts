import t from 'tap';
import { classifySmppStatus } from '../../src/smpp/results.js';

t.test('0 is ok; ESME_RTHROTTLED (0x58) and ESME_RMSGQFUL (0x14) are throttling', async (t) => {
  t.equal(classifySmppStatus(0), 'ok');
  t.equal(classifySmppStatus(0x58), 'throttled');
  t.equal(classifySmppStatus(0x14), 'throttled');
});

t.test('system error, submit failed, temporary app error and delivery failure are worth another attempt', async (t) => {
  for (const s of [0x08, 0x45, 0x64, 0xfe]) t.equal(classifySmppStatus(s), 'transient', `0x${s.toString(16)}`);
});

t.test('anything else refuses the message for good, a vendor status included', async (t) => {
  for (const s of [0x0b, 0x50, 0x0a, 0x401]) t.equal(classifySmppStatus(s), 'permanent', `0x${s.toString(16)}`);
});
