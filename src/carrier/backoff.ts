/**
 * Reconnect delay: exponential growth from minMs, capped at maxMs, with jitter spread over
 * [minMs, cap] so many binds that dropped together do not reconnect together.
 */
export function backoffDelayMs(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(minMs + random() * Math.max(0, cap - minMs));
}
