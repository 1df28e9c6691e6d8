/**
 * Why a throughput target can or cannot be met on this machine, from the run's own CPU figures.
 * Redis runs every script on one thread, so 1e6 / (Redis µs per message) is a ceiling however fast
 * smppd gets; and all processes together cannot use more than the machine's cores.
 */
export interface Budget {
  /** msg/s at which Redis's one thread is busy all the time. */
  redisCeilingMsgsPerS: number;
  /** The same as a multiple of Kannel's measured rate. */
  redisCeilingRatio: number;
  /** CPU µs per message that smppd, Redis and the sink together may use to reach target × Kannel on `cores`. */
  allowedUsPerMsg: number;
  /** What they used. */
  usedUsPerMsg: number;
}

export function budget(o: { cores: number; target: number; kannelMsgsPerS: number; smppdUs: number; redisUs: number; sinkUs: number }): Budget {
  const ceiling = 1e6 / o.redisUs;
  return {
    redisCeilingMsgsPerS: ceiling,
    redisCeilingRatio: ceiling / o.kannelMsgsPerS,
    allowedUsPerMsg: (o.cores * 1e6) / (o.target * o.kannelMsgsPerS),
    usedUsPerMsg: o.smppdUs + o.redisUs + o.sinkUs,
  };
}
