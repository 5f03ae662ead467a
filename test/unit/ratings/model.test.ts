// Proves the rating maths over openskill: a win moves the winner up and the loser down by
// the same amount from equal ratings, uncertainty shrinks, a draw between equals moves
// nobody's mean, and the shared match decision rule.
import { describe, expect, it } from "vitest";
import { decideMatch } from "../../../src/ratings/match-result.ts";
import {
  displayRating,
  INITIAL_SKILL,
  rateHeadsUp,
  seatResults,
} from "../../../src/ratings/model.ts";

describe("rating model", () => {
  it("starts at mu 25, sigma 25/3, display rating 0", () => {
    expect(INITIAL_SKILL.mu).toBe(25);
    expect(INITIAL_SKILL.sigma).toBeCloseTo(25 / 3);
    expect(displayRating(INITIAL_SKILL)).toBeCloseTo(0);
  });

  it("moves a winner up and a loser down symmetrically from equal skills", () => {
    const [w, l] = rateHeadsUp([INITIAL_SKILL, INITIAL_SKILL], ["win", "loss"]);
    expect(w.mu).toBeGreaterThan(25);
    expect(l.mu).toBeLessThan(25);
    expect(w.mu - 25).toBeCloseTo(25 - l.mu);
    expect(w.sigma).toBeLessThan(INITIAL_SKILL.sigma);
  });

  it("leaves equal means equal after a draw", () => {
    const [a, b] = rateHeadsUp([INITIAL_SKILL, INITIAL_SKILL], ["draw", "draw"]);
    expect(a.mu).toBeCloseTo(25);
    expect(b.mu).toBeCloseTo(a.mu);
  });

  it("maps a decision to seat results", () => {
    expect(seatResults({ kind: "win", winner: 1 })).toEqual(["loss", "win"]);
    expect(seatResults({ kind: "draw" })).toEqual(["draw", "draw"]);
  });

  it("treats a cancelled or all-disconnected match as void", () => {
    expect(
      decideMatch({
        type: "match_end",
        match_id: "m",
        reason: "cancelled",
        error_code: "connection_timeout",
      }),
    ).toEqual({ kind: "void" });
    expect(decideMatch(null)).toEqual({ kind: "void" });
  });
});
