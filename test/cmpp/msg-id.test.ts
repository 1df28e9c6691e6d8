import t from 'tap';
import { msgIdFromDecimal, msgIdToDecimal, packMsgId, unpackMsgId } from '../../src/cmpp/msg-id.js';

t.test('a Msg_Id packs month, day, time, ISMG code and sequence into 64 bits', async (t) => {
  const parts = { month: 12, day: 2, hour: 15, minute: 38, second: 0, ismg: 123456, sequence: 42 };
  const id = packMsgId(parts);
  t.equal(id.toString('hex'), 'c13e6001e240002a');
  t.same(unpackMsgId(id), parts);
  t.equal(msgIdToDecimal(id), '13924672659083231274');
});

t.test('the canonical decimal form round-trips every 64-bit value and refuses others', async (t) => {
  for (const d of ['0', '1', '18446744073709551615', '13924672659083231274']) {
    t.equal(msgIdToDecimal(msgIdFromDecimal(d)!), d);
  }
  t.equal(msgIdFromDecimal('18446744073709551616'), null, '2^64 does not fit');
  t.equal(msgIdFromDecimal('12a'), null);
  t.equal(msgIdFromDecimal(''), null);
});
