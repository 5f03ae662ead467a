/**
 * Sliding-window counting for the per-IP connect limit: pure arithmetic, no runtime imports,
 * so it is unit-tested in Node.
 */

/** A two-bucket sliding window: counts of the current and the previous fixed window. */
export interface WindowState {
  windowStart: number;
  current: number;
  previous: number;
}

/**
 * Counts one connect at `now` against `limit` per `windowMs`, estimating the rolling count
 * as the current window plus the overlapping share of the previous one. A refused attempt
 * is not counted, so a client that backs off gets back in.
 */
export function takeFromWindow(
  state: WindowState | null,
  now: number,
  limit: number,
  windowMs: number,
): { allowed: boolean; state: WindowState } {
  const start = now - (now % windowMs);
  let next: WindowState;
  if (!state || start - state.windowStart >= 2 * windowMs) {
    next = { windowStart: start, current: 0, previous: 0 };
  } else if (start > state.windowStart) {
    next = { windowStart: start, current: 0, previous: state.current };
  } else {
    next = state;
  }
  const overlap = 1 - (now - start) / windowMs;
  const rolling = next.current + next.previous * overlap;
  if (rolling + 1 > limit) return { allowed: false, state: next };
  return { allowed: true, state: { ...next, current: next.current + 1 } };
}
