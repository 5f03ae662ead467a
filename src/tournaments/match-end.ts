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

/** Ratings and the tournament's match-end notification, side by side. */
export async function settleCompetitions(env: Env, outcome: MatchOutcome): Promise<void> {
  const ids = outcome.seats.map((seat) => seat.bot_id);
  const row = await env.DB.prepare(
    `SELECT m.rated, m.source, (SELECT count(*) FROM bots b
       WHERE b.kind = 'external_api' AND b.id IN (SELECT value FROM json_each(?))) AS external
     FROM matches m WHERE m.id = ?`,
  )
    .bind(JSON.stringify(ids), outcome.match_id)
    .first<{ rated: number; source: string; external: number }>();
  if (!row) return;
  const tournamentId = tournamentOfSource(row.source);
  // Together: a tournament's next round needs no rating (seeds are fixed at the start).
  await Promise.all([
    rateFinishedMatch(env.DB, outcome, { rated: row.rated === 1, externalSeats: row.external }),
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
