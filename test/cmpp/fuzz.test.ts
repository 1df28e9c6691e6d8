import t from 'tap';
import { Framer } from '../../src/smpp/framer.js';
import { CMPP_HEADER_BYTES, CMPP_MAX_PDU_BYTES, CmppCommand } from '../../src/cmpp/constants.js';
import { decodeCmpp } from '../../src/cmpp/codec.js';
import { encodeSubmit } from '../../src/cmpp/submit.js';
import { encodeDeliver, encodeReport } from '../../src/cmpp/deliver.js';

/** A small deterministic PRNG so a failing stream can be replayed from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 0x100000000);
}

function seeds(v: '2.0' | '3.0'): Buffer[] {
  const report = encodeReport(v, Buffer.alloc(8, 7), { stat: 'DELIVRD', submitTime: '2612021538', doneTime: '2612021539', destTerminalId: '13800138000', smscSequence: 1 });
  return [
    encodeSubmit(v, 1, {
      msgId: Buffer.alloc(8), pkTotal: 2, pkNumber: 1, registeredDelivery: 1, msgLevel: 1, serviceId: 'svc', feeUserType: 2,
      feeTerminalId: '', feeTerminalType: 0, tpPid: 0, tpUdhi: 1, msgFmt: 8, msgSrc: '901234', feeType: '01', feeCode: '0',
      validTime: '', atTime: '', srcId: '10657', destTerminalIds: ['13800138000', '13900139000'], destTerminalType: 0,
      content: Buffer.alloc(140, 0x41), linkId: '',
    }),
    encodeDeliver(v, 2, { msgId: Buffer.alloc(8), destId: '10657', serviceId: '', tpPid: 0, tpUdhi: 0, msgFmt: 0, srcTerminalId: '13800138000', srcTerminalType: 0, registeredDelivery: 1, content: report, linkId: '' }),
  ];
}

t.test('2,000 random and mutated CMPP streams go through the framer and decoder without a throw', async (t) => {
  const next = rng(20261202);
  let frames = 0;
  let refused = 0;
  for (let i = 0; i < 2000; i++) {
    const v = i % 2 === 0 ? '2.0' : '3.0';
    let stream: Buffer;
    if (i % 4 === 0) {
      stream = Buffer.alloc(1 + Math.floor(next() * 600));
      for (let k = 0; k < stream.length; k++) stream[k] = Math.floor(next() * 256);
      // Half the random streams start with a plausible header so the decoder, not only the framer, is reached.
      if (i % 8 === 0 && stream.length >= CMPP_HEADER_BYTES) {
        stream.writeUInt32BE(stream.length, 0);
        stream.writeUInt32BE(Object.values(CmppCommand)[Math.floor(next() * 14)], 4);
      }
    } else {
      stream = Buffer.concat(seeds(v));
      const flips = 1 + Math.floor(next() * 8);
      for (let k = 0; k < flips; k++) stream[Math.floor(next() * stream.length)] = Math.floor(next() * 256);
    }
    const framer = new Framer(CMPP_MAX_PDU_BYTES, CMPP_HEADER_BYTES);
    try {
      framer.push(stream, (f) => {
        frames++;
        if (!decodeCmpp(f, v).ok) refused++;
      });
    } catch (err) {
      t.fail(`stream ${i} threw: ${(err as Error).message}`);
      return;
    }
  }
  t.ok(frames > 1000, `${frames} frames reached the decoder`);
  t.ok(refused > 0, `${refused} of them refused`);
});
