/**
 * Dispatch: the one way a match comes to exist. It validates the seats and the config,
 * writes the `matches` and `participants` rows, and creates the `MatchObject` over RPC.
 * `onMatchEnded` is the other end: the one place that runs when a match is over.
 */
import { ApiError } from "../http/errors.ts";
import { randomHex } from "../lib/crypto.ts";
import { describeError, log } from "../lib/log.ts";
import { isoNow } from "../lib/time.ts";
import { announceMatch, settleMatch } from "../lobby/match-hooks.ts";
import { reportMatchEnded, reportMatchStarted } from "../operators/match-events.ts";
import { type Bot, getBot } from "../registry/bots.ts";
import { settleCompetitions } from "../tournaments/match-end.ts";
import { type MatchConfigInput, resolveMatchConfig } from "./config.ts";
import type { DispatchedSeat, DispatchResult } from "./dispatched.ts";
import { isHouseStrategy } from "./house-bots.ts";
import type { MatchOutcome } from "./results.ts";
import type { MatchSpec } from "./room.ts";

/** What starts a match. Seats are given in seat order. */
export interface DispatchRequest {
  /** Each seat's bot, by id or exact name; a seat may carry the token that dispatched it. */
  seats: { bot: string; token_id?: string | null }[];
  config?: MatchConfigInput;
  /** Who started it (`admin`, `challenge`, `matchmaking`), kept in the registry. */
  source: string;
  /** Whether the lobby `matched` carries `decision_timeout_ms` (§3.5: challenge, matchmaking). */
  decision_clock?: boolean;
}

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

/** Path of a seat's match socket (§4). */
export function gatewayPath(matchId: string, participantId: string): string {
  return `/ws/external/match/${matchId}/${participantId}`;
}

/** Validates, records and creates a match; throws `ApiError` for a request it refuses. */
export async function dispatchMatch(env: Env, request: DispatchRequest): Promise<DispatchResult> {
  if (request.seats.length !== 2) {
    throw new ApiError(400, "INVALID_SEATS", "A match has exactly two seats (heads-up)");
  }
  const config = resolveMatchConfig(request.config);
  if (typeof config === "string") throw new ApiError(400, "INVALID_CONFIG", config);
  const bots = await Promise.all(request.seats.map((seat) => resolveBot(env.DB, seat.bot)));
  const matchId = crypto.randomUUID();
  const createdAt = Date.now();
  const seats: DispatchedSeat[] = bots.map((bot, seat) => {
    const participantId = `p_${randomHex(6)}`;
    return {
      seat,
      participant_id: participantId,
      bot_id: bot.id,
      name: bot.name,
      kind: bot.kind,
      gateway_ws_url: bot.kind === "house" ? null : gatewayPath(matchId, participantId),
    };
  });
  const spec: MatchSpec = {
    match_id: matchId,
    created_at: createdAt,
    config,
    seats: seats.map((seat, i) => ({
      seat: seat.seat,
      participant_id: seat.participant_id,
      bot_id: seat.bot_id,
      name: seat.name,
      house_strategy: bots[i]?.kind === "house" ? (bots[i]?.house_strategy ?? null) : null,
    })),
  };
  // The object first, then its registry rows. A dispatch cut short in between (a restart or
  // a crash mid-request) leaves at most an object nobody was told about, which cancels itself
  // at the connection wait; the other order could leave a row `dispatching` for ever, with
  // no object behind it, holding a seat of its token's concurrent-match cap.
  try {
    await env.MATCH.getByName(matchId).create(spec);
  } catch (err) {
    log("error", "match_create_failed", { match_id: matchId, error: describeError(err) });
    throw new ApiError(503, "MATCH_BACKEND_UNAVAILABLE", "The match could not be created");
  }
  const [, ...inserted] = await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO matches (id, status, source, rated, config, created_at) VALUES (?, 'dispatching', ?, ?, ?, ?)",
    ).bind(
      matchId,
      request.source,
      config.rated ? 1 : 0,
      JSON.stringify(config),
      isoNow(createdAt),
    ),
    ...seats.map((seat, i) => {
      const tokenId = request.seats[i]?.token_id;
      if (tokenId === undefined) {
        return env.DB.prepare(
          "INSERT INTO participants (match_id, participant_id, seat, bot_id) VALUES (?, ?, ?, ?)",
        ).bind(matchId, seat.participant_id, seat.seat, seat.bot_id);
      }
      // The seat takes a slot of its token's concurrent-match cap only if one is free at this
      // instant: D1 runs the batch as one transaction, so two dispatches racing for the last
      // slot cannot both get it (the lobby's earlier check is only the friendly answer).
      return env.DB.prepare(
        `INSERT INTO participants (match_id, participant_id, seat, bot_id, token_id)
         SELECT ?, ?, ?, ?, t.id FROM tokens t
         WHERE t.id = ? AND t.revoked_at IS NULL AND t.max_concurrent_matches > (
           SELECT count(*) FROM participants p JOIN matches m ON m.id = p.match_id
           WHERE p.token_id = t.id AND m.status IN ('dispatching', 'live'))`,
      ).bind(matchId, seat.participant_id, seat.seat, seat.bot_id, tokenId);
    }),
  ]);
  if (inserted.some((result) => result.meta.changes !== 1)) {
    // Refused: the object was never announced to anyone and cancels itself at the connection wait.
    await env.DB.batch([
      env.DB.prepare("DELETE FROM participants WHERE match_id = ?").bind(matchId),
      env.DB.prepare("DELETE FROM matches WHERE id = ?").bind(matchId),
    ]);
    throw new ApiError(
      429,
      "TOKEN_AT_CONCURRENT_MATCH_CAP",
      "A seat's token is at its concurrent-match cap (or was revoked)",
    );
  }
  await setStatus(env.DB, matchId, "live");
  const result: DispatchResult = {
    match_id: matchId,
    rated: config.rated,
    turn_timeout_ms: config.turn_timeout_ms,
    seats,
  };
  await announceMatch(env, result, request.decision_clock === true);
  reportMatchStarted(env, result, request.source);
  return result;
}

/** A bot by id or exact name that can take a seat: active, and a house bot with a strategy. */
async function resolveBot(db: D1Database, idOrName: string): Promise<Bot> {
  const byId = await getBot(db, idOrName);
  const bot =
    byId ??
    (await db
      .prepare("SELECT id FROM bots WHERE name = ?")
      .bind(idOrName)
      .first<{ id: string }>()
      .then((row) => (row ? getBot(db, row.id) : null)));
  if (!bot) throw new ApiError(400, "BOT_NOT_FOUND", `No bot with id or name '${idOrName}'`);
  if (!bot.active) throw new ApiError(400, "BOT_INACTIVE", `Bot '${bot.name}' is not active`);
  if (bot.kind === "house" && !isHouseStrategy(bot.house_strategy)) {
    throw new ApiError(
      400,
      "HOUSE_STRATEGY_UNKNOWN",
      `House bot '${bot.name}' has no known strategy`,
    );
  }
  return bot;
}

/** Moves a match on from `dispatching` only: a match that already ended keeps its status. */
async function setStatus(db: D1Database, matchId: string, status: "live"): Promise<void> {
  await db
    .prepare("UPDATE matches SET status = ? WHERE id = ? AND status = 'dispatching'")
    .bind(status, matchId)
    .run();
}

/**
 * Runs once a match is over (retried by the match object until it succeeds, so it must be
 * idempotent): the result and per-seat figures go to the registry. This is the match-end
 * hook: whatever else must happen when a match ends belongs here.
 */
export async function onMatchEnded(env: Env, outcome: MatchOutcome): Promise<void> {
  if (!(await recordMatchResult(env.DB, outcome))) {
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
  await settleMatch(env, outcome);
  await settleCompetitions(env, outcome);
  reportMatchEnded(env, outcome);
}

/**
 * Writes the final status, the `match_end` payload and each seat's figures to D1. False when
 * the registry has no row for the match.
 */
export async function recordMatchResult(db: D1Database, outcome: MatchOutcome): Promise<boolean> {
  const [match] = await db.batch([
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
  ]);
  return (match?.meta.changes ?? 0) > 0;
}
