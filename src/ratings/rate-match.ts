/**
 * The ratings' part of the match-end hook: a finished match moves ratings only if it was
 * rated, both seats are distinct external bots (house bots never move ratings), and it was
 * decided (a void match is not rated). Idempotent by match id.
 */
import type { MatchOutcome } from "../match/results.ts";
import { decideMatch } from "./match-result.ts";
import { seatResults } from "./model.ts";
import { applyRatedMatch } from "./store.ts";

/** What the registry says about the match: its `rated` flag and how many seats are external bots. */
export interface RatingFacts {
  rated: boolean;
  externalSeats: number;
}

/** Applies the match to both ratings if it counts; a repeated call changes nothing. */
export async function rateFinishedMatch(
  db: D1Database,
  outcome: MatchOutcome,
  facts: RatingFacts,
): Promise<void> {
  const decision = decideMatch(outcome.match_end);
  const [first, second, ...more] = [...outcome.seats].sort((a, b) => a.seat - b.seat);
  if (decision.kind === "void" || !first || !second || more.length > 0) return;
  if (!facts.rated || facts.externalSeats !== 2 || first.bot_id === second.bot_id) return;
  await applyRatedMatch(db, {
    matchId: outcome.match_id,
    botIds: [first.bot_id, second.bot_id],
    results: seatResults(decision),
    ratedAt: outcome.ended_at,
  });
}
