/**
 * The competitions' part of the match-end hook (called once from `onMatchEnded`): the
 * rating update and the notification of the tournament the match belongs to. Both are
 * idempotent by match id, and a failure throws so the match object retries the hook.
 */
import type { MatchOutcome } from "../match/results.ts";
import { rateFinishedMatch } from "../ratings/rate-match.ts";
import type { MatchReport } from "./scoring.ts";

const TOURNAMENT_SOURCE = /^tournament:([0-9a-f-]{36}):\d+:\d+$/;

/** The tournament a match was dispatched for, from its registry `source`, or null. */
export function tournamentOfSource(source: string): string | null {
  return TOURNAMENT_SOURCE.exec(source)?.[1] ?? null;
}

/** What the registry says about a finished match that ratings and tournaments need. */
export interface CompetitionFacts {
  rated: number;
  source: string;
  /** How many of its seats are external bots. */
  external: number;
}

/** The registry read behind `settleCompetitions`, to run in the match-end hook's batch. */
export function competitionFacts(db: D1Database, outcome: MatchOutcome) {
  const ids = outcome.seats.map((seat) => seat.bot_id);
  return {
    query: db
      .prepare(
        `SELECT m.rated, m.source, (SELECT count(*) FROM bots b
           WHERE b.kind = 'external_api' AND b.id IN (SELECT value FROM json_each(?))) AS external
         FROM matches m WHERE m.id = ?`,
      )
      .bind(JSON.stringify(ids), outcome.match_id),
    read: (result: D1Result | undefined): CompetitionFacts | null =>
      (result?.results[0] as CompetitionFacts | undefined) ?? null,
  };
}

/** Ratings and the tournament's match-end notification, side by side. */
export async function settleCompetitions(
  env: Env,
  outcome: MatchOutcome,
  facts: CompetitionFacts | null,
): Promise<void> {
  if (!facts) return;
  const tournamentId = tournamentOfSource(facts.source);
  // Together: a tournament's next round needs no rating (seeds are fixed at the start).
  await Promise.all([
    rateFinishedMatch(env.DB, outcome, {
      rated: facts.rated === 1,
      externalSeats: facts.external,
    }),
    tournamentId === null
      ? null
      : env.TOURNAMENT.getByName(tournamentId).matchEnded(reportOf(outcome)),
  ]);
}

/** What a tournament keeps of a finished match. */
export function reportOf(outcome: MatchOutcome): MatchReport {
  return {
    match_id: outcome.match_id,
    match_end: outcome.match_end,
    seats: outcome.seats.map((s) => ({ seat: s.seat, bot_id: s.bot_id, net_chips: s.net_chips })),
  };
}
