import t from 'tap';
import { FrameReader } from '../../src/session/frame-reader.js';
import { until } from '../helpers/until.js';

/** A frame of `length` octets: the length, then zeros. */
function frame(length: number): Buffer {
  const b = Buffer.alloc(length);
  b.writeUInt32BE(length, 0);
  return b;
}

function reader(headerBytes: number, frameTimeoutMs = 60_000) {
  const frames: Buffer[] = [];
  const failures: string[] = [];
  const r = new FrameReader(4096, headerBytes, frameTimeoutMs, (f) => frames.push(Buffer.from(f)), (why) => failures.push(why));
  return { r, frames, failures };
}

t.test("frames are cut at the protocol's header size: 12 octets is whole for CMPP and below SMPP's header", async (t) => {
  const cmpp = reader(12);
  cmpp.r.push(frame(12));
  t.equal(cmpp.frames.length, 1);
  t.same(cmpp.failures, []);
  const smpp = reader(16);
  smpp.r.push(frame(12));
  t.equal(smpp.frames.length, 0);
  t.match(smpp.failures, [/command_length 12 outside 16\.\.4096/]);
});

t.test('a frame begun and not finished within frameTimeoutMs is a failure naming the octets held', async (t) => {
  const { r, failures } = reader(12, 50);
  r.push(frame(40).subarray(0, 20));
  await until('the partial frame deadline', () => failures.length > 0);
  t.match(failures, [/partial frame: 20 bytes held, the rest not within 50 ms/]);
});

t.test('a frame finished in time, and a stopped reader, leave no deadline behind', async (t) => {
  const { r, frames, failures } = reader(12, 50);
  const whole = frame(40);
  r.push(whole.subarray(0, 20));
  r.push(whole.subarray(20));
  t.equal(frames.length, 1);
  r.push(frame(40).subarray(0, 10));
  r.stop();
  r.stop();
  // Another reader's deadline, armed after, passes: this one's would have passed too.
  const other = reader(12, 100);
  other.r.push(frame(40).subarray(0, 10));
  await until('the other reader fails', () => other.failures.length > 0);
  t.same(failures, [], 'no failure from a finished frame or a stopped reader');
});
