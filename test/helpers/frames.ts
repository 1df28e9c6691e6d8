/**
 * The fake peers' framing: every PDU of SMPP and CMPP starts with its 4-octet length, so a socket's data
 * is cut into whole frames (header at least `headerBytes`) and each is handed over as its own copy.
 */
import type { Socket } from 'node:net';

export function onFrames(socket: Socket, headerBytes: number, frame: (raw: Buffer) => void): void {
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= headerBytes && pending.length >= pending.readUInt32BE(0)) {
      const len = pending.readUInt32BE(0);
      const raw = Buffer.from(pending.subarray(0, len));
      pending = pending.subarray(len);
      frame(raw);
    }
  });
}
