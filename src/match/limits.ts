/**
 * Per-participant limits of §5.10 and the timing helpers of §5.4.4, as pure functions over
 * stored values so they survive reconnects and eviction.
 */

/** Length of the rolling window of the message rate limit. */
export const RATE_WINDOW_MS = 1000;
/** Violations (at most one counted per window) before the socket is closed with 4009. */
export const RATE_VIOLATIONS_TO_CLOSE = 5;
/** Rejected `turn_action`s in one hand; the last one ends the turn with the auto-action. */
export const INVALID_ACTIONS_PER_HAND = 5;

export interface RateState {
  /** Receive times of the messages inside the current window. */
  times: number[];
  violations: number;
  lastViolationAt: number | null;
}

export type RateVerdict = "ok" | "over" | "flood";

/**
 * Counts one message. Over the limit it is `over` (drop it), and a new violation is counted
 * at most once per window; the fifth violation is a `flood` (close 4009).
 */
export function countMessage(
  state: RateState,
  now: number,
  limit: number,
): { state: RateState; verdict: RateVerdict } {
  const times = state.times.filter((t) => t > now - RATE_WINDOW_MS);
  if (times.length < limit) {
    return { state: { ...state, times: [...times, now] }, verdict: "ok" };
  }
  const fresh = state.lastViolationAt === null || now - state.lastViolationAt >= RATE_WINDOW_MS;
  const violations = state.violations + (fresh ? 1 : 0);
  const next: RateState = {
    times,
    violations,
    lastViolationAt: fresh ? now : state.lastViolationAt,
  };
  return { state: next, verdict: violations >= RATE_VIOLATIONS_TO_CLOSE ? "flood" : "over" };
}

/** A uniform delay in [min, max] ms for a non-actor's `turn_result` copy (§5.4.4). */
export function jitterDelay(min: number, max: number, random: () => number): number {
  return min + Math.floor(random() * (max - min + 1));
}
