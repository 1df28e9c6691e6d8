/**
 * Fault shares. A running remainder (not a coin toss) decides each submit_sm, so "30%" is exactly
 * 3 in every 10 and a test can assert the count without flakiness.
 */
import type { SimBehaviours } from './types.js';

/** SMPP 3.4 command_status values the simulator answers with (5.1.3). */
export const Status = {
  OK: 0x00,
  RINVBNDSTS: 0x04,
  RALYBND: 0x05,
  RSYSERR: 0x08,
  RINVDSTADR: 0x0b,
  RBINDFAIL: 0x0d,
  RINVPASWD: 0x0e,
  RINVCMDID: 0x03,
  RMSGQFUL: 0x14,
  RTHROTTLED: 0x58,
} as const;

const FAULTS = [
  ['throttlePct', Status.RTHROTTLED],
  ['queueFullPct', Status.RMSGQFUL],
  ['errorPct', Status.RSYSERR],
  ['rejectPct', Status.RINVDSTADR],
] as const;

export class FaultShares {
  private acc = new Map<string, number>();

  reset(): void {
    this.acc.clear();
  }

  /** The status for the next submit_sm: each share advances on every submit; the first that fires wins. */
  next(b: SimBehaviours): number {
    let status: number = Status.OK;
    for (const [key, code] of FAULTS) {
      const pct = Math.max(0, Math.min(100, b[key] ?? 0));
      if (pct === 0) continue;
      let acc = (this.acc.get(key) ?? 0) + pct;
      const fires = acc >= 100;
      if (fires) acc -= 100;
      this.acc.set(key, acc);
      if (fires && status === Status.OK) status = code;
    }
    return status;
  }
}
