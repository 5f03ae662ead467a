// Proves the sliding-window arithmetic behind the per-IP connect limit: the budget, the
// rolling carry-over from the previous window, recovery, and refused attempts not counting.
import { describe, expect, it } from "vitest";
import { takeFromWindow, type WindowState } from "../../src/lobby/sliding-window.ts";

const MINUTE = 60_000;

function takeMany(state: WindowState | null, now: number, n: number, limit: number) {
  let current = state;
  let allowed = 0;
  for (let i = 0; i < n; i += 1) {
    const result = takeFromWindow(current, now, limit, MINUTE);
    current = result.state;
    if (result.allowed) allowed += 1;
  }
  return { state: current, allowed };
}

describe("connect-rate sliding window", () => {
  it("allows exactly the limit within one window", () => {
    const { allowed } = takeMany(null, 10 * MINUTE, 15, 10);
    expect(allowed).toBe(10);
  });

  it("carries the previous window's share into the next one", () => {
    const full = takeMany(null, 10 * MINUTE, 10, 10);
    // A quarter into the next window, ~75% of the previous window still counts: 7.5 of 10.
    const next = takeMany(full.state, 11 * MINUTE + MINUTE / 4, 10, 10);
    expect(next.allowed).toBe(2);
  });

  it("forgets everything after two quiet windows", () => {
    const full = takeMany(null, 10 * MINUTE, 10, 10);
    expect(takeMany(full.state, 12 * MINUTE + 1, 10, 10).allowed).toBe(10);
  });

  it("does not count refused attempts", () => {
    const full = takeMany(null, 10 * MINUTE, 10, 10);
    const hammered = takeMany(full.state, 10 * MINUTE + 1000, 1000, 10);
    expect(hammered.allowed).toBe(0);
    expect(hammered.state?.current).toBe(10);
  });
});
