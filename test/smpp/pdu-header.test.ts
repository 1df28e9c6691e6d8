import t from 'tap';
import smpp from 'smpp';
import { CommandId, frame, readHeader, writeHeader } from '../../src/smpp/pdu-header.js';

t.test('frame() of an empty enquire_link body gives the golden 16 bytes', async (t) => {
  const buf = frame(CommandId.enquire_link, 1, new Uint8Array(0));
  t.equal(buf.toString('hex'), '00000010' + '00000015' + '00000000' + '00000001');
});

t.test('frame() prepends a header that matches the smpp package byte for byte', async (t) => {
  const whole = new smpp.PDU('submit_sm', { sequence_number: 7, destination_addr: '8613400000000', short_message: 'hi' }).toBuffer();
  const body = whole.subarray(16);
  t.same(frame(CommandId.submit_sm, 7, body), whole);
});

t.test('writeHeader() sets command_length from the buffer size and the top bit of response ids', async (t) => {
  const buf = Buffer.alloc(20);
  writeHeader(buf, CommandId.submit_sm_resp, 0x58, 0x7fffffff);
  t.same(readHeader(buf), { commandLength: 20, commandId: 0x80000004, commandStatus: 0x58, sequenceNumber: 0x7fffffff });
});
