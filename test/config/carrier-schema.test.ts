import t from 'tap';
import { buildConfig } from '../../src/config/schema.js';
import { SmppdError } from '../../src/errors.js';

function problems(raw: unknown): string {
  try {
    buildConfig(raw, {});
  } catch (e) {
    if (e instanceof SmppdError && e.code === 'CONFIG_INVALID') return e.message;
    throw e;
  }
  throw new Error('valid');
}

const carrier = (over: Record<string, unknown> = {}) => ({ name: 'a', host: 'h', systemId: 's', ...over });

t.test('a carrier\'s required host is named beside a wrong field of the same carrier', async (t) => {
  t.equal(problems({ carriers: [{ name: 'a', systemId: 's', maxParts: 0 }] }),
    'carriers[0].maxParts: must be between 1 and 255, got 0; carriers[0].host: is required');
});

t.test('a rule between a channel\'s fields is named beside a wrong field of its carrier', async (t) => {
  const raw = { carriers: [carrier({ failover: { afterMs: -1 }, channels: [{ name: 'c', reconnectMinMs: 5000, reconnectMaxMs: 100 }] })] };
  t.equal(problems(raw),
    'carriers[0].failover.afterMs: must be between 0 and 3600000, got -1; carriers[0].channels[0].reconnectMinMs: must not exceed reconnectMaxMs (100)');
});

t.test('an unreadable tlsCaFile is named beside a wrong field it does not read', async (t) => {
  t.equal(problems({ carriers: [carrier({ tls: true, tlsCaFile: '/nonexistent/ca.pem', tps: 0 })] }),
    'carriers[0].tps: must be between 1 and 100000, got 0; carriers[0].tlsCaFile: cannot read /nonexistent/ca.pem: ENOENT');
});

t.test('the carrier\'s rules over its channels are checked beside a wrong field they do not read', async (t) => {
  t.equal(problems({ carriers: [carrier({ tps: 0, maxParts: 20, otpWindowSlots: 50 })] }),
    'carriers[0].tps: must be between 1 and 100000, got 0; carriers[0].maxParts: must not exceed windowSize (10); carriers[0].otpWindowSlots: must be between 0 and 9, got 50');
  const payload = { carriers: [carrier({ channels: [{ name: 'p', concat: 'payload' }, { name: 'u', binds: 0 }, { name: 'v' }] })] };
  t.equal(problems(payload), 'carriers[0].channels[1].binds: must be between 1 and 64, got 0; '
    + 'carriers[0].channels[0].concat: payload (one message_payload) works only when every channel of the carrier is SMPP with payload: the text is cut once for all of them');
});

t.test('a carrier\'s rule still waits for the fields it reads: a wrong windowSize names no maxParts problem', async (t) => {
  t.equal(problems({ carriers: [carrier({ windowSize: 'x', maxParts: 20, otpWindowSlots: 50 })] }), 'carriers[0].windowSize: must be an integer, got "x"');
});
