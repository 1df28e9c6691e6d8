/**
 * The requests a simulated carrier's connection has sent and awaits an answer to (an SMPP deliver_sm,
 * a CMPP DELIVER or ACTIVE_TEST), by sequence number. Each ends exactly once: answered, timed out,
 * or cut off by the connection closing. Both protocols number them as the daemon's sessions do.
 */
import { MAX_SEQUENCE } from '../session/window.js';

/** How an outgoing request ended: the response's status (command_status, Result), or why there was none. */
export type RequestOutcome = number | 'timeout' | 'closed';

interface Pending {
  done: (outcome: RequestOutcome) => void;
  timer: NodeJS.Timeout;
}

export class PendingRequests {
  private outSeq = 0;
  private readonly pending = new Map<number, Pending>();

  /** Takes the next sequence number for a request whose end `done` hears; it times out after timeoutMs. */
  open(timeoutMs: number, done: (o: RequestOutcome) => void): number {
    this.outSeq = this.outSeq >= MAX_SEQUENCE ? 1 : this.outSeq + 1;
    const seq = this.outSeq;
    const timer = setTimeout(() => this.settle(seq, 'timeout'), timeoutMs);
    this.pending.set(seq, { done, timer });
    return seq;
  }

  /** Ends the request `seq` with `outcome`; an answer to nothing pending is ignored. */
  settle(seq: number, outcome: RequestOutcome): void {
    const p = this.pending.get(seq);
    if (!p) return;
    this.pending.delete(seq);
    clearTimeout(p.timer);
    p.done(outcome);
  }

  /** The connection closed: every request still awaiting an answer ends 'closed'. */
  closeAll(): void {
    for (const seq of [...this.pending.keys()]) this.settle(seq, 'closed');
  }
}
