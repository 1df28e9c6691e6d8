/**
 * Joins concatenated MO parts (UDH 8/16-bit or SAR) by carrier, sender, reference and part count.
 * Parts are kept in Redis (mo-part.lua), so a restart between two parts loses nothing; an incomplete
 * message is delivered with what arrived, marked `partial`, by the periodic MO sweep (mo-sweep.lua)
 * rather than dropped.
 */
import type { Mo } from '../types.js';
import type { InboundStore, MoPartResult } from '../store/inbound-store.js';

type Done = Extract<MoPartResult, { status: 'complete' }>['done'];

/** A message ready for the MO stream; `done` marks its stored parts as delivered in the same MULTI. */
export interface WholeMo { from: string; to: string; text: string; done?: Done }

export class MoAssembler {
  constructor(private store: InboundStore) {}

  /** The whole message, or 'wait' while parts are missing, or 'dup' for a part of one already delivered. */
  async add(carrier: string, from: string, mo: Mo): Promise<WholeMo | 'wait' | 'dup'> {
    if (!mo.concat || mo.concat.total <= 1) return { from, to: mo.to, text: mo.text };
    const { ref, total, seq } = mo.concat;
    if (seq < 1 || seq > total) return { from, to: mo.to, text: mo.text }; // a broken header: keep the text as is
    const r = await this.store.moPart({ carrier, from, to: mo.to, ref, total, seq, text: mo.text });
    if (r.status !== 'complete') return r.status;
    return { from, to: mo.to, text: r.texts.join(''), done: r.done };
  }
}
