/**
 * Dispatch: the one way a match comes to exist. It validates the seats and the config,
 * writes the `matches` and `participants` rows, and creates the `MatchObject` over RPC.
 * `onMatchEnded` is the other end: the one place that runs when a match is over.
 */
import { ApiError } from "../http/errors.ts";
import { describeError, log } from "../lib/log.ts";
import { announceMatch, lobbyFacts, settleMatch } from "../lobby/match-hooks.ts";
import { reportMatchEnded, reportMatchStarted } from "../operators/match-events.ts";
import { findBots } from "../registry/bots.ts";
import { competitionFacts, settleCompetitions } from "../tournaments/match-end.ts";
import {
  type DispatchRequest,
  type PreparedMatch,
  prepareMatch,
  writeRegistryRows,
} from "./dispatch-prepare.ts";
import type { DispatchResult } from "./dispatched.ts";
import type { MatchOutcome } from "./results.ts";

/** Every error `dispatchMatch` answers, for the routes that call it. */
export const DISPATCH_ERRORS = {
  400: [
    "INVALID_SEATS",
    "INVALID_CONFIG",
    "BOT_NOT_FOUND",
    "BOT_INACTIVE",
    "HOUSE_STRATEGY_UNKNOWN",
  ],
  429: ["TOKEN_AT_CONCURRENT_MATCH_CAP"],
  503: ["MATCH_BACKEND_UNAVAILABLE"],
} as const;

/** How long after its end a match whose registry rows never appeared is given up. */
const ORPHAN_AFTER_MS = 5 * 60_000;

/** Validates, records and creates a match; throws `ApiError` for a request it refuses. */
export async function dispatchMatch(env: Env, request: DispatchRequest): Promise<DispatchResult> {
  const [answer] = await dispatchMatches(env, [request]);
  if (!answer) throw new Error("dispatchMatches answered nothing");
  if (!answer.ok) throw answer.error;
  return answer.result;
}

/** One request's answer from `dispatchMatches`. */
export type DispatchAnswer = { ok: true; result: DispatchResult } | { ok: false; error: ApiError };

/**
 * `dispatchMatch` for many matches at once (a tournament round): the same checks and the
 * same order — every object first, then the registry rows — but one bot lookup and one D1
 * batch of every row and status for the lot, so a round costs two D1 round trips instead of
 * four per match. Each request is answered on its own, in order: a refused
 * seat or an unreachable object fails only its match.
 */
export async function dispatchMatches(
  env: Env,
  requests: readonly DispatchRequest[],
): Promise<DispatchAnswer[]> {
  const bots = await findBots(
    env.DB,
    requests.flatMap((r) => r.seats.map((s) => s.bot)),
  );
  const answers = new Map<number, DispatchAnswer>();
  const prepared: PreparedMatch[] = [];
  requests.forEach((request, index) => {
    try {
      prepared.push(prepareMatch(request, index, bots));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      answers.set(index, { ok: false, error: err });
    }
  });
  // The objects first, then their registry rows. A dispatch cut short in between (a restart
  // or a crash mid-request) leaves at most an object nobody was told about, which cancels
  // itself at the connection wait; the other order could leave a row `dispatching` for ever,
  // with no object behind it, holding a seat of its token's concurrent-match cap.
  const created: PreparedMatch[] = [];
  await Promise.all(
    prepared.map(async (p) => {
      try {
        await env.MATCH.getByName(p.matchId).create(p.spec);
        created.push(p);
      } catch (err) {
        log("error", "match_create_failed", { match_id: p.matchId, error: describeError(err) });
        answers.set(p.index, {
          ok: false,
          error: new ApiError(503, "MATCH_BACKEND_UNAVAILABLE", "The match could not be created"),
        });
      }
    }),
  );
  const { live, refused } = await writeRegistryRows(env.DB, created);
  for (const p of refused) {
    answers.set(p.index, {
      ok: false,
      error: new ApiError(
        429,
        "TOKEN_AT_CONCURRENT_MATCH_CAP",
        "A seat's token is at its concurrent-match cap (or was revoked)",
      ),
    });
  }
  await Promise.all(
    live.map(async (p) => {
      const result: DispatchResult = {
        match_id: p.matchId,
        rated: p.spec.config.rated,
        turn_timeout_ms: p.spec.config.turn_timeout_ms,
        seats: p.seats,
      };
      await announceMatch(env, result, p.request.decision_clock === true);
      reportMatchStarted(env, result, p.request.source);
      answers.set(p.index, { ok: true, result });
    }),
  );
  return requests.map((_, index) => {
    const answer = answers.get(index);
    if (!answer) throw new Error(`dispatch request ${index} was not answered`);
    return answer;
  });
}

/**
 * Runs once a match is over (retried by the match object until it succeeds, so it must be
 * idempotent): the result and per-seat figures go to the registry. This is the match-end
 * hook: whatever else must happen when a match ends belongs here.
 */
export async function onMatchEnded(env: Env, outcome: MatchOutcome): Promise<void> {
  // The competitions' and the lobby's facts are read, and the latency samples written, in
  // the same D1 batch as the result: one round trip before anyone hears of the end.
  const facts = competitionFacts(env.DB, outcome);
  const lobby = lobbyFacts(env.DB, outcome);
  const { recorded, after } = await recordMatchResult(
    env.DB,
    outcome,
    facts.query,
    ...lobby.statements,
  );
  if (!recorded) {
    // The object exists before its registry rows (see dispatchMatch): a match that ended
    // fast may be recorded before its dispatch wrote them, so the object retries. Rows still
    // missing long after the end mean that dispatch died first: nobody was ever told of
    // this match, and there is nothing to record or settle.
    if (Date.now() - Date.parse(outcome.ended_at) < ORPHAN_AFTER_MS) {
      throw new Error(`match ${outcome.match_id} is not in the registry yet`);
    }
    log("warn", "match_record_orphan", { match_id: outcome.match_id });
    return;
  }
  // Independent of each other, so together: the tournament hears of the end without
  // waiting for the lobbies' settlement.
  await Promise.all([
    settleMatch(env, outcome.match_id, lobby.read(after.slice(1))),
    settleCompetitions(env, outcome, facts.read(after[0])),
  ]);
  reportMatchEnded(env, outcome);
}

/**
 * Writes the final status, the `match_end` payload and each seat's figures to D1, then runs
 * `after` in the same batch (their results in `after`). `recorded` is false when the
 * registry has no row for the match.
 */
export async function recordMatchResult(
  db: D1Database,
  outcome: MatchOutcome,
  ...after: D1PreparedStatement[]
): Promise<{ recorded: boolean; after: D1Result[] }> {
  const [match, ...rest] = await db.batch([
    db
      .prepare("UPDATE matches SET status = ?, ended_at = ?, result = ? WHERE id = ?")
      .bind(outcome.status, outcome.ended_at, JSON.stringify(outcome.match_end), outcome.match_id),
    ...outcome.seats.map((seat) =>
      db
        .prepare(
          "UPDATE participants SET net_chips = ?, hands_won = ?, final_stack = ?, place = ? WHERE match_id = ? AND participant_id = ?",
        )
        .bind(
          seat.net_chips,
          seat.hands_won,
          seat.final_stack,
          seat.place,
          outcome.match_id,
          seat.participant_id,
        ),
    ),
    ...after,
  ]);
  return {
    recorded: (match?.meta.changes ?? 0) > 0,
    after: rest.slice(outcome.seats.length),
  };
}
