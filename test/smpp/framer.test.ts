import t from 'tap';
import smpp from 'smpp';
import { Framer } from '../../src/smpp/framer.js';
import { decodePdu } from '../../src/smpp/pdu-codec.js';

const enquire = (seq: number) => new smpp.PDU('enquire_link', { sequence_number: seq }).toBuffer();
const submit = (seq: number) =>
  new smpp.PDU('submit_sm', { sequence_number: seq, destination_addr: '8613912345678', short_message: 'hello world' }).toBuffer();

/** A tiny deterministic PRNG so a failing iteration can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 0x100000000);
}

t.test('PDUs split at every byte boundary come out whole and in order', async (t) => {
  const stream = Buffer.concat([enquire(1), submit(2), enquire(3)]);
  for (let cut = 1; cut < stream.length; cut++) {
    const framer = new Framer();
    const seqs: number[] = [];
    for (const part of [stream.subarray(0, cut), stream.subarray(cut)]) {
      t.equal(framer.push(part, (f) => seqs.push(f.readUInt32BE(12))), null);
    }
    if (seqs.join() !== '1,2,3') t.fail(`cut at ${cut} gave ${seqs.join()}`);
  }
  t.pass('all cuts framed');
});

t.test('a command_length below 16 is a framing error', async (t) => {
  const framer = new Framer();
  const bad = Buffer.from('0000000f000000150000000000000001', 'hex');
  t.match(framer.push(bad, () => t.fail('no frame expected')), /command_length 15/);
});

t.test('a command_length above the maximum is a framing error before the body arrives', async (t) => {
  const framer = new Framer(1024);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(1025, 0);
  t.match(framer.push(head, () => {}), /command_length 1025 outside 16..1024/);
  t.equal(framer.bufferedBytes, 0, 'nothing kept after the error');
});

t.test('2,000 random byte streams never make the framer or decoder throw', async (t) => {
  const next = rng(42);
  let frames = 0;
  let errors = 0;
  for (let i = 0; i < 2000; i++) {
    const len = 1 + Math.floor(next() * 200);
    const buf = Buffer.alloc(len);
    for (let j = 0; j < len; j++) buf[j] = Math.floor(next() * 256);
    // Small lengths are likely so that some random streams do frame.
    if (len >= 4 && next() < 0.5) buf.writeUInt32BE(16 + Math.floor(next() * (len - 15 > 0 ? len - 15 : 1)), 0);
    const framer = new Framer(4096);
    const failure = framer.push(buf, (f) => {
      frames++;
      decodePdu(f);
    });
    if (failure !== null) errors++;
  }
  t.ok(frames > 0, `some streams framed (${frames})`);
  t.ok(errors > 0, `some streams were framing errors (${errors})`);
});

t.test('2,000 mutated real PDUs decode or fail cleanly, never throw', async (t) => {
  const next = rng(7);
  const originals = [submit(9), enquire(10), new smpp.PDU('deliver_sm', { sequence_number: 11, short_message: 'id:1 stat:DELIVRD' }).toBuffer()];
  let failed = 0;
  let decoded = 0;
  for (let i = 0; i < 2000; i++) {
    const buf = Buffer.from(originals[i % originals.length]!);
    const flips = 1 + Math.floor(next() * 4);
    for (let k = 0; k < flips; k++) buf[16 + Math.floor(next() * (buf.length - 16))] = Math.floor(next() * 256);
    if (next() < 0.3) buf.writeUInt32BE(Math.floor(next() * 0xffff), 4); // random command_id
    const result = decodePdu(buf);
    if (result.ok) decoded += typeof result.pdu.command === 'string' ? 1 : 0;
    else failed += result.reason.startsWith('undecodable PDU') ? 1 : 0;
  }
  t.equal(decoded + failed, 2000, `every mutation is a result (${decoded} decoded, ${failed} refused)`);
  t.ok(failed > 0, 'some mutations are refused as results rather than thrown');
});
