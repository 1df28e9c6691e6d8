import t from 'tap';
import { classifyCmppResult, describeCmppResult, isBadDestination } from '../../src/cmpp/results.js';

t.test('Result 0 is ok and 8 (flow control) is throttled in both versions', async (t) => {
  for (const v of ['2.0', '3.0'] as const) {
    t.equal(classifyCmppResult(v, 0), 'ok');
    t.equal(classifyCmppResult(v, 8), 'throttled');
  }
});

t.test('results about the message are permanent: 1, 4, 5, 6, 7', async (t) => {
  for (const v of ['2.0', '3.0'] as const) for (const r of [1, 4, 5, 6, 7]) t.equal(classifyCmppResult(v, r), 'permanent', `${v} Result ${r}`);
});

t.test('results about the exchange are transient: 2 (command word) and 3 (duplicate sequence)', async (t) => {
  for (const v of ['2.0', '3.0'] as const) for (const r of [2, 3]) t.equal(classifyCmppResult(v, r), 'transient', `${v} Result ${r}`);
});

t.test("9-13 are permanent in 3.0, which names them, and transient in 2.0, where they are 'other error'", async (t) => {
  for (const r of [9, 10, 11, 12, 13]) {
    t.equal(classifyCmppResult('3.0', r), 'permanent', `3.0 Result ${r}`);
    t.equal(classifyCmppResult('2.0', r), 'transient', `2.0 Result ${r}`);
  }
  t.equal(classifyCmppResult('3.0', 14), 'transient', 'an unnamed 3.0 result is other error');
  t.equal(classifyCmppResult('3.0', 0xffffffff), 'transient');
});

t.test('the text of a result names its number and meaning', async (t) => {
  t.equal(describeCmppResult('3.0', 13), 'CMPP Result 13 (invalid Dest_terminal_Id)');
  t.equal(describeCmppResult('2.0', 13), 'CMPP Result 13 (other error)');
  t.equal(describeCmppResult('2.0', 8), 'CMPP Result 8 (flow control)');
});

t.test('only 3.0\'s Result 13 says the destination number is invalid; 11 (Msg_src) and 2.0\'s 13 do not', async (t) => {
  t.equal(isBadDestination('3.0', 13), true);
  t.equal(isBadDestination('3.0', 11), false, 'a sender-side fault marks no recipient');
  t.equal(isBadDestination('2.0', 13), false, '2.0 names no such result');
});
