/** The metric names the registry exports, with the series names Prometheus derives from histograms. */
import { Metrics } from '../../src/obs/metrics.js';

export interface MetricInfo { name: string; type: string; labels: string[] }

export function exportedMetrics(): MetricInfo[] {
  const m = new Metrics({ carriers: ['cmcc'], version: '0.0.0-test' });
  return m.registry.getMetricsAsArray().map((x) => {
    const o = x as unknown as { name: string; type: string; labelNames?: string[] };
    return { name: o.name, type: String(o.type), labels: [...(o.labelNames ?? [])] };
  });
}

/** Every series name a query may use: histograms add _bucket, _sum and _count. */
export function seriesNames(): Set<string> {
  const out = new Set<string>();
  for (const m of exportedMetrics()) {
    out.add(m.name);
    if (m.type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(m.name + s);
  }
  return out;
}

/** `smppd_…` identifiers in a PromQL expression. */
export function namesIn(expr: string): string[] {
  return [...expr.matchAll(/\bsmppd_[a-z0-9_]+/g)].map((m) => m[0]);
}
