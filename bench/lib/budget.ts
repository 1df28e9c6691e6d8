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
  /** The rate at which they would keep every core busy, as a multiple of Kannel's. */
  coresCeilingRatio: number;
}

export function budget(o: { cores: number; target: number; kannelMsgsPerS: number; smppdUs: number; redisUs: number; sinkUs: number }): Budget {
  const ceiling = 1e6 / o.redisUs;
  return {
    redisCeilingMsgsPerS: ceiling,
    redisCeilingRatio: ceiling / o.kannelMsgsPerS,
    allowedUsPerMsg: (o.cores * 1e6) / (o.target * o.kannelMsgsPerS),
    usedUsPerMsg: o.smppdUs + o.redisUs + o.sinkUs,
    coresCeilingRatio: (o.cores * 1e6) / (o.smppdUs + o.redisUs + o.sinkUs) / o.kannelMsgsPerS,
  };
}

/**
 * A run that stops this far under the lower of its two CPU ceilings spent the rest waiting: a CPU bound
 * run on a shared machine reaches 85–95 % of it.
 */
const WAITED_UNDER = 0.85;

/**
 * What keeps a run under its target, said in words with the figures: Redis's one thread when its ceiling
 * is under the target, the machine's cores when the CPU per message is over what the target allows;
 * with neither, the run waited on round trips, not on a CPU. Given the ratio reached (`reached`), a run
 * well under the lower ceiling is said to have waited on round trips as well.
 */
export function limits(b: Budget, o: { cores: number; target: number; redisUs: number; reached?: number }): string[] {
  const out: string[] = [];
  if (b.redisCeilingRatio < o.target) {
    out.push(`Redis's one thread: ${o.redisUs.toFixed(1)} µs per message caps smppd at ${b.redisCeilingRatio.toFixed(2)}×, under ${o.target}×`);
  }
  if (b.usedUsPerMsg > b.allowedUsPerMsg) {
    out.push(`the ${o.cores} cores: ${b.usedUsPerMsg.toFixed(1)} µs of CPU per message, ${o.target}× allows ${b.allowedUsPerMsg.toFixed(1)}`);
  }
  if (out.length === 0) {
    out.push('no CPU: the run waited on round trips (a small window, the SMSC, Redis)');
  } else if (o.reached !== undefined) {
    const lower = Math.min(b.redisCeilingRatio, b.coresCeilingRatio);
    if (o.reached < WAITED_UNDER * lower) {
      out.push(`round trips as well: ${o.reached.toFixed(2)}× is ${Math.round((100 * o.reached) / lower)} % of the ${lower.toFixed(2)}× the lower ceiling allows (a small window, the SMSC, Redis)`);
    }
  }
  return out;
}
