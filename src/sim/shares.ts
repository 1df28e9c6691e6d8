/**
 * Fault shares. A running remainder (not a coin toss) decides each submit_sm, so "30%" is exactly
 * 3 in every 10 and a test can assert the count without flakiness.
 */
import { Status } from '../smpp/pdu-header.js';
import type { SimBehaviours } from './types.js';

const FAULTS = [
  ['throttlePct', Status.ESME_RTHROTTLED],
  ['queueFullPct', Status.ESME_RMSGQFUL],
  ['errorPct', Status.ESME_RSYSERR],
  ['rejectPct', Status.ESME_RINVDSTADR],
] as const;

export class FaultShares {
  private acc = new Map<string, number>();

  reset(): void {
    this.acc.clear();
  }

  /** The status for the next submit_sm: each share advances on every submit; the first that fires wins. */
  next(b: SimBehaviours): number {
    let status: number = Status.ESME_ROK;
    for (const [key, code] of FAULTS) {
      const pct = Math.max(0, Math.min(100, b[key] ?? 0));
      if (pct === 0) continue;
      let acc = (this.acc.get(key) ?? 0) + pct;
      const fires = acc >= 100;
      if (fires) acc -= 100;
      this.acc.set(key, acc);
      if (fires && status === Status.ESME_ROK) status = code;
    }
    return status;
  }
}
