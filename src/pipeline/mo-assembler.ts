/**
 * Joins concatenated MO parts (UDH 8/16-bit or SAR) by carrier, sender and reference. Parts are kept
 * in memory for at most `maxAgeMs`; an incomplete message is then delivered with what arrived, marked
 * `partial`, rather than dropped.
 */
import type { Mo } from '../smpp/mo.js';

interface Pending { parts: Map<number, string>; total: number; first: Mo; at: number }

export interface WholeMo { from: string; to: string; text: string; partial?: boolean }

export class MoAssembler {
  private pending = new Map<string, Pending>();
  constructor(private maxAgeMs = 10 * 60_000, private now: () => number = Date.now) {}

  add(carrier: string, mo: Mo): WholeMo | null {
    if (!mo.concat || mo.concat.total <= 1) return { from: mo.from, to: mo.to, text: mo.text };
    const key = `${carrier}|${mo.from}|${mo.concat.ref}|${mo.concat.total}`;
    let p = this.pending.get(key);
    if (!p) {
      p = { parts: new Map(), total: mo.concat.total, first: mo, at: this.now() };
      this.pending.set(key, p);
    }
    p.parts.set(mo.concat.seq, mo.text);
    if (p.parts.size < p.total) return null;
    this.pending.delete(key);
    return { from: p.first.from, to: p.first.to, text: [...p.parts.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]).join('') };
  }

  /** Incomplete messages older than maxAgeMs, handed back as partial. */
  expire(): WholeMo[] {
    const out: WholeMo[] = [];
    const limit = this.now() - this.maxAgeMs;
    for (const [k, p] of this.pending) {
      if (p.at > limit) continue;
      this.pending.delete(k);
      out.push({ from: p.first.from, to: p.first.to, partial: true,
        text: [...p.parts.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]).join('') });
    }
    return out;
  }
}
