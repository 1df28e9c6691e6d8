/** Longest-prefix routing of E.164 numbers to carriers. */

export interface RouteEntry {
  name: string;
  prefixes: string[]; // E.164 digits without '+', e.g. "86134"
}

export type Route = (e164: string, override?: string) => string | null;

/**
 * Builds the router. A prefix listed under two carriers goes to the later one (config order is the
 * operator's precedence). `override` (a ported number's carrier) wins when it names a known carrier.
 */
export function buildRouter(carriers: RouteEntry[], defaultRoute: string | null): Route {
  const byPrefix = new Map<string, string>();
  const known = new Set<string>();
  for (const c of carriers) {
    known.add(c.name);
    for (const p of c.prefixes) {
      const digits = p.startsWith('+') ? p.slice(1) : p;
      if (/^\d+$/.test(digits)) byPrefix.set(digits, c.name);
    }
  }
  // Probe longest lengths first: a handful of Map lookups per number, no trie walk.
  const lengths = [...new Set([...byPrefix.keys()].map((k) => k.length))].sort((a, b) => b - a);

  return (e164: string, override?: string): string | null => {
    if (override !== undefined && known.has(override)) return override;
    const digits = e164.startsWith('+') ? e164.slice(1) : e164;
    for (const len of lengths) {
      if (len > digits.length) continue;
      const hit = byPrefix.get(digits.slice(0, len));
      if (hit !== undefined) return hit;
    }
    return defaultRoute;
  };
}
