// Proves the per-participant rate limit of §5.10 (rolling second, one violation per window,
// 4009 on the fifth) and the jitter range of §5.4.4, and the config defaults and checks.
import { describe, expect, it } from "vitest";
import { DEFAULT_MATCH_CONFIG, resolveMatchConfig } from "../../../src/match/config.ts";
import { countMessage, jitterDelay, type RateState } from "../../../src/match/limits.ts";

const fresh: RateState = { times: [], violations: 0, lastViolationAt: null };

describe("countMessage", () => {
  it("allows the limit per rolling second and drops the next", () => {
    let state = fresh;
    for (let i = 0; i < 10; i++) {
      const counted = countMessage(state, 1000 + i, 10);
      expect(counted.verdict).toBe("ok");
      state = counted.state;
    }
    expect(countMessage(state, 1010, 10).verdict).toBe("over");
    // A second later the window has rolled on.
    expect(countMessage(state, 2001, 10).verdict).toBe("ok");
  });

  it("counts one violation per window and floods on the fifth", () => {
    let state: RateState = { times: Array(10).fill(0), violations: 0, lastViolationAt: null };
    const verdicts: string[] = [];
    for (let window = 0; window < 5; window++) {
      for (let burst = 0; burst < 3; burst++) {
        const now = window * 1000 + burst;
        const counted = countMessage({ ...state, times: Array(10).fill(now) }, now, 10);
        state = counted.state;
        verdicts.push(counted.verdict);
      }
    }
    expect(state.violations).toBe(5);
    expect(verdicts.slice(0, 12).every((v) => v === "over")).toBe(true);
    expect(verdicts.at(-3)).toBe("flood");
  });
});

describe("jitterDelay", () => {
  it("stays within [min, max] and reaches both ends", () => {
    expect(jitterDelay(100, 500, () => 0)).toBe(100);
    expect(jitterDelay(100, 500, () => 0.999999)).toBe(500);
    expect(jitterDelay(0, 0, () => 0.7)).toBe(0);
    for (let i = 0; i < 1000; i++) {
      const d = jitterDelay(100, 500, Math.random);
      expect(d >= 100 && d <= 500).toBe(true);
    }
  });
});

describe("resolveMatchConfig", () => {
  it("fills the contract's defaults", () => {
    expect(resolveMatchConfig({})).toEqual(DEFAULT_MATCH_CONFIG);
    expect(DEFAULT_MATCH_CONFIG).toMatchObject({
      turn_timeout_ms: 5000,
      reconnect_grace_ms: 30_000,
      reconnect_budget: 3,
      connection_wait_ms: 30_000,
      jitter_min_ms: 100,
      jitter_max_ms: 500,
      max_messages_per_second: 10,
    });
  });

  it("refuses contradictory blinds and jitter", () => {
    expect(resolveMatchConfig({ small_blind: 30, big_blind: 20 })).toMatch(/big_blind/);
    expect(resolveMatchConfig({ jitter_min_ms: 300, jitter_max_ms: 200 })).toMatch(/jitter/);
    expect(resolveMatchConfig({ turn_timeout_ms: 30_000 })).toMatchObject({
      turn_timeout_ms: 30_000,
    });
  });
});
