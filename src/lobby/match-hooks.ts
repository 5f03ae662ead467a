/**
 * The lobby's side of a match's life, called from the match gateway's dispatch: every
 * dispatch announces the seats to their bots' objects (`matched`, §3.5), and every match end
 * retires those notices and keeps the decision-latency samples for latency-stats.
 */
import { describeError, log } from "../lib/log";
import type { DispatchResult } from "../match/dispatched";
import type { MatchOutcome } from "../match/results";
import { recordLatencySamples } from "./match-index";

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
 * Match over: each external bot stops re-announcing it, and each seat's decision latencies
 * are stored. Idempotent, and throws on failure so the match object retries it.
 */
export async function settleMatch(env: Env, outcome: MatchOutcome): Promise<void> {
  const ids = outcome.seats.map((seat) => seat.bot_id);
  if (ids.length === 0) return;
  const { results: external } = await env.DB.prepare(
    `SELECT id FROM bots WHERE kind = 'external_api' AND id IN (${ids.map(() => "?").join(", ")})`,
  )
    .bind(...ids)
    .all<{ id: string }>();
  await Promise.all(external.map(({ id }) => env.BOT.getByName(id).matchEnded(outcome.match_id)));
  const results = "results" in outcome.match_end ? outcome.match_end.results : [];
  await recordLatencySamples(
    env.DB,
    outcome.match_id,
    outcome.ended_at,
    results.flatMap((result) => {
      const seat = outcome.seats.find((s) => s.seat === result.seat);
      return seat ? [{ botId: seat.bot_id, samplesMs: result.decision_latency_samples_ms }] : [];
    }),
  );
}
