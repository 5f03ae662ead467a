/** Decision-latency percentiles (bot protocol §8.2 latency-stats), pure arithmetic. */
import * as v from "valibot";

/** The answer of `GET /bots/{bot_id}/latency-stats`; percentiles are `null` with no samples. */
export const LatencyStatsSchema = v.strictObject({
  bot_id: v.string(),
  sample_count: v.number(),
  p50_ms: v.nullable(v.number()),
  p95_ms: v.nullable(v.number()),
  p99_ms: v.nullable(v.number()),
});
export type LatencyStats = v.InferOutput<typeof LatencyStatsSchema>;

/** Nearest-rank percentile (0 < p ≤ 100) of ascending `sorted`; `null` when empty. */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? null;
}

/** The latency-stats answer for a bot's samples, in milliseconds. */
export function latencyStats(botId: string, samples: readonly number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    bot_id: botId,
    sample_count: sorted.length,
    p50_ms: nearestRank(sorted, 50),
    p95_ms: nearestRank(sorted, 95),
    p99_ms: nearestRank(sorted, 99),
  };
}
