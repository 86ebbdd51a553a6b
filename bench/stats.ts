/** Percentiles over latency samples (ms), nearest-rank. */
export interface LatencySummary {
  n: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

export function summarise(samples: number[]): LatencySummary {
  if (!samples.length) return { n: 0, p50: null, p90: null, p99: null, max: null };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  return { n: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: round(sorted[sorted.length - 1]!) };
}

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
