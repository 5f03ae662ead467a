/**
 * The lobby's side of a match's life, called from the match gateway's dispatch: every
 * dispatch announces the seats to their bots' objects (`matched`, §3.5), and every match end
 * retires those notices and keeps the decision-latency samples for latency-stats, in the
 * match-end hook's one D1 batch.
 */
import { describeError, log } from "../lib/log";
import type { DispatchResult } from "../match/dispatched";
import type { MatchOutcome } from "../match/results";
import { latencySampleStatements } from "./match-index";

/**
 * Stores and pushes `matched` to each remote seat's bot object. `decisionClock` adds
 * `decision_timeout_ms` (the challenge and matchmaking paths enforce a 30 s clock; a match
 * created with its own clock omits it). A bot object that cannot be reached is logged, not
 * thrown: the match exists either way, and an unannounced seat ends in the connection wait.
 */
export async function announceMatch(
  env: Env,
  result: DispatchResult,
  decisionClock: boolean,
): Promise<void> {
  await Promise.all(
    result.seats.map(async (seat) => {
      if (seat.gateway_ws_url === null) return;
      try {
        await env.BOT.getByName(seat.bot_id).notifyMatched({
          match_id: result.match_id,
          participant_id: seat.participant_id,
          gateway_ws_url: seat.gateway_ws_url,
          rated: result.rated,
          ...(decisionClock ? { decision_timeout_ms: result.turn_timeout_ms } : {}),
        });
      } catch (err) {
        log("error", "matched_notice_failed", {
          match_id: result.match_id,
          bot_id: seat.bot_id,
          error: describeError(err),
        });
      }
    }),
  );
}

/**
 * The lobby's share of the match-end hook's D1 batch: which seats are external bots (whose
 * objects `settleMatch` tells), and each seat's decision-latency samples, stored for
 * latency-stats (written only once the match is in the registry; idempotent).
 */
export function lobbyFacts(db: D1Database, outcome: MatchOutcome) {
  const results = "results" in outcome.match_end ? outcome.match_end.results : [];
  const samples = results.flatMap((result) => {
    const seat = outcome.seats.find((s) => s.seat === result.seat);
    return seat ? [{ botId: seat.bot_id, samplesMs: result.decision_latency_samples_ms }] : [];
  });
  return {
    statements: [
      db
        .prepare(
          "SELECT id FROM bots WHERE kind = 'external_api' AND id IN (SELECT value FROM json_each(?))",
        )
        .bind(JSON.stringify(outcome.seats.map((seat) => seat.bot_id))),
      ...latencySampleStatements(db, outcome.match_id, outcome.ended_at, samples),
    ],
    /** The external bots' ids, from the batch's results of `statements` (first one first). */
    read: (batch: readonly D1Result[]): string[] =>
      ((batch[0]?.results ?? []) as { id: string }[]).map((row) => row.id),
  };
}

/**
 * Match over: each external bot stops re-announcing it (`externalBots` from `lobbyFacts`).
 * Idempotent, and throws on failure so the match object retries it.
 */
export async function settleMatch(
  env: Env,
  matchId: string,
  externalBots: readonly string[],
): Promise<void> {
  await Promise.all(externalBots.map((id) => env.BOT.getByName(id).matchEnded(matchId)));
}
