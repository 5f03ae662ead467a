/**
 * Who won a heads-up match, read from its stored `match_end` payload: the one rule that
 * ratings and tournament scoring share (docs/ratings.md "What counts"). Pure.
 */
import type { MatchOutcome } from "../match/results.ts";

/** The decision of a match: a winning seat, a draw, or void (nobody won: not rated, no points). */
export type MatchDecision = { kind: "win"; winner: number } | { kind: "draw" } | { kind: "void" };

/**
 * A match ended by play or by a forfeit has a decision: the awarded seat of a forfeit wins;
 * otherwise the larger final stack wins and equal stacks (a hand cap reached at even chips)
 * are a draw. A match cancelled at the connection wait, crashed, or with every seat
 * disconnected (`terminal_status: "error"`) is void.
 */
export function decideMatch(matchEnd: MatchOutcome["match_end"] | null): MatchDecision {
  if (matchEnd?.reason !== "complete" || matchEnd.terminal_status !== "completed") {
    return { kind: "void" };
  }
  if (matchEnd.forfeit_winner_seat !== undefined) {
    return { kind: "win", winner: matchEnd.forfeit_winner_seat };
  }
  const [first, second] = [...matchEnd.results].sort((a, b) => b.final_stack - a.final_stack);
  if (!first || !second) return { kind: "void" };
  if (first.final_stack === second.final_stack) return { kind: "draw" };
  return { kind: "win", winner: first.seat };
}
