/** The 12-octet CMPP header: Total_Length, Command_Id, Sequence_Id. */
import type { OctetWriter } from './octets.js';

/** Writes the header at the writer's start; Total_Length is the whole buffer. */
export function writeCmppHeader(w: OctetWriter, commandId: number, seq: number): void {
  w.u32(w.buf.length).u32(commandId).u32(seq);
}
