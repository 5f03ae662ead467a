/**
 * The rating maths: OpenSkill's Weng-Lin Bayesian model (Plackett-Luce) from the `openskill`
 * library, with its published defaults (docs/ratings.md). Pure: no storage.
 */
import { ordinal, rate, rating } from "openskill";
import type { MatchDecision } from "./match-result.ts";

/** A skill estimate: mean and uncertainty. */
export interface Skill {
  mu: number;
  sigma: number;
}

/** What a new bot starts from: mu 25, sigma 25/3 (display rating 0). */
export const INITIAL_SKILL: Skill = rating();

/** The leaderboard's number: the conservative estimate mu - 3 sigma (openskill's ordinal). */
export function displayRating(skill: Skill): number {
  return ordinal(skill);
}

/** A seat's result in a decided match. */
export type SeatResult = "win" | "loss" | "draw";

/** Each seat's result, seat 0 first, for a decided (non-void) match. */
export function seatResults(
  decision: Exclude<MatchDecision, { kind: "void" }>,
): [SeatResult, SeatResult] {
  if (decision.kind === "draw") return ["draw", "draw"];
  return decision.winner === 0 ? ["win", "loss"] : ["loss", "win"];
}

/** Both skills after one heads-up match; a draw shares the rank. */
export function rateHeadsUp(
  skills: readonly [Skill, Skill],
  results: readonly [SeatResult, SeatResult],
): [Skill, Skill] {
  const rank = results.map((r) => (r === "loss" ? 2 : 1));
  const [[a], [b]] = rate([[skills[0]], [skills[1]]], { rank });
  if (!a || !b) throw new Error("openskill returned no rating");
  return [
    { mu: a.mu, sigma: a.sigma },
    { mu: b.mu, sigma: b.sigma },
  ];
}
