/**
 * What the lease scripts answer (recover.lua, lease.lua), read once into named fields: the scripts reply
 * with positional numbers and status codes, and only this file knows their order.
 */

/** Jobs handed back from in-flight tables (recover.lua): this daemon's own at start, and dead peers'. */
export interface Recovered {
  requeued: number;
  unknown: number;
  resent: number;
  peers: number; // dead peers whose tables were read
}

/** A daemon taking its lease (mode start) learns who else runs. */
export interface JoinState {
  gen: number; // the join generation its TPS share must reflect
  livePeers: number;
  left: boolean; // a daemon left within the last rate window
}

export type RecoverResult =
  | ({ kind: 'recovered'; join?: JoinState } & Recovered)
  /** Mode start: another token holds this daemon's lease until `expiryMs` (Redis's clock); nothing written. */
  | { kind: 'held-elsewhere'; expiryMs: number }
  /** Mode peers: this daemon's lease is not held by its token; nothing written. */
  | { kind: 'not-held' }
  /** Mode start: a daemon of an older storage format holds a live lease; nothing written. */
  | { kind: 'older-daemon'; daemon: string };

/** recover.lua's reply (its header states the layout); the final-outcome tally is read elsewhere. */
export function readRecover(res: readonly (number | string)[], mode: 'start' | 'peers'): RecoverResult {
  const code = Number(res[4]);
  if (code === -1) return { kind: 'not-held' };
  if (code === -2) return { kind: 'older-daemon', daemon: String(res[5]) };
  if (code === -3) return { kind: 'held-elsewhere', expiryMs: Number(res[5]) };
  const [requeued, unknown, resent, peers] = res.slice(0, 4).map(Number) as [number, number, number, number];
  const out: RecoverResult = { kind: 'recovered', requeued, unknown, resent, peers };
  if (mode === 'start') out.join = { gen: Number(res[5]), livePeers: Number(res[6]), left: Number(res[7]) === 1 };
  return out;
}

/** lease.lua renew: whether the lease is still this token's, and the daemons' shares as Redis sees them. */
export type RenewResult =
  | { held: false }
  | { held: true; liveDaemons: number; gen: number; behind: number }; // behind: live peers not yet renewed with the join generation

export function readRenew(res: unknown): RenewResult {
  if (!Array.isArray(res)) return { held: false };
  const [liveDaemons, gen, behind] = res.map(Number) as [number, number, number];
  return { held: true, liveDaemons, gen, behind };
}
