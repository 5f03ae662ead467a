/** Shared pieces of the benchmark suites: figures, percentiles, timing. */

/** One printed row. `ratio` is set where a figure is compared side by side with another. */
export interface Figure {
  suite: string;
  figure: string;
  value: number;
  unit: string;
  /** e.g. "1.8× partyserver" — botgate relative to the comparison, higher is better for botgate. */
  ratio?: string;
}

/** A suite: a bounded, loopback-only run that returns its figures and stops by itself. */
export type Suite = () => Promise<Figure[]>;

/** Nearest-rank percentile of `samples` (0 < p ≤ 100); NaN when empty. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** `a / b` formatted as a ratio against a named comparison. */
export function ratio(a: number, b: number, against: string): string {
  return `${(a / b).toFixed(2)}× ${against}`;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
