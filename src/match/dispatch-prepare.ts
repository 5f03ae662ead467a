/**
 * The parts of a dispatch before its announcement (`dispatch.ts`): a request checked
 * against its bots and turned into seats and the object's spec, and the registry rows of a
 * batch of matches written in one D1 transaction.
 */
import { ApiError } from "../http/errors.ts";
import { randomHex } from "../lib/crypto.ts";
import { isoNow } from "../lib/time.ts";
import type { Bot } from "../registry/bots.ts";
import { type MatchConfigInput, resolveMatchConfig } from "./config.ts";
import type { DispatchedSeat } from "./dispatched.ts";
import { isHouseStrategy } from "./house-bots.ts";
import type { MatchSpec } from "./room.ts";

/** A validated request with its match id, seats and the spec of its object. */
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

/** Path of a seat's match socket (§4). */
export function gatewayPath(matchId: string, participantId: string): string {
  return `/ws/external/match/${matchId}/${participantId}`;
}

export interface PreparedMatch {
  index: number;
  request: DispatchRequest;
  matchId: string;
  createdAt: number;
  seats: DispatchedSeat[];
  spec: MatchSpec;
}

/** Checks one request against the resolved bots and builds its seats and object spec. */
export function prepareMatch(
  request: DispatchRequest,
  index: number,
  bots: ReadonlyMap<string, Bot>,
): PreparedMatch {
  if (request.seats.length !== 2) {
    throw new ApiError(400, "INVALID_SEATS", "A match has exactly two seats (heads-up)");
  }
  const config = resolveMatchConfig(request.config);
  if (typeof config === "string") throw new ApiError(400, "INVALID_CONFIG", config);
  const seatBots = request.seats.map((seat) => seatBot(bots, seat.bot));
  const matchId = crypto.randomUUID();
  const createdAt = Date.now();
  const seats: DispatchedSeat[] = seatBots.map((bot, seat) => {
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
      house_strategy: seatBots[i]?.kind === "house" ? (seatBots[i]?.house_strategy ?? null) : null,
    })),
  };
  return {
    index,
    request,
    matchId,
    createdAt,
    seats,
    spec,
  };
}

/** The `matches` row (`dispatching`) and one `participants` row per seat. */
function registryRows(db: D1Database, p: PreparedMatch): D1PreparedStatement[] {
  const config = p.spec.config;
  return [
    db
      .prepare(
        "INSERT INTO matches (id, status, source, rated, config, created_at) VALUES (?, 'dispatching', ?, ?, ?, ?)",
      )
      .bind(
        p.matchId,
        p.request.source,
        config.rated ? 1 : 0,
        JSON.stringify(config),
        isoNow(p.createdAt),
      ),
    ...p.seats.map((seat, i) => {
      const tokenId = p.request.seats[i]?.token_id;
      if (tokenId === undefined) {
        return db
          .prepare(
            "INSERT INTO participants (match_id, participant_id, seat, bot_id) VALUES (?, ?, ?, ?)",
          )
          .bind(p.matchId, seat.participant_id, seat.seat, seat.bot_id);
      }
      // The seat takes a slot of its token's concurrent-match cap only if one is free at this
      // instant: D1 runs the batch as one transaction, so two dispatches racing for the last
      // slot cannot both get it (the lobby's earlier check is only the friendly answer).
      return db
        .prepare(
          `INSERT INTO participants (match_id, participant_id, seat, bot_id, token_id)
         SELECT ?, ?, ?, ?, t.id FROM tokens t
         WHERE t.id = ? AND t.revoked_at IS NULL AND t.max_concurrent_matches > (
           SELECT count(*) FROM participants p JOIN matches m ON m.id = p.match_id
           WHERE p.token_id = t.id AND m.status IN ('dispatching', 'live'))`,
        )
        .bind(p.matchId, seat.participant_id, seat.seat, seat.bot_id, tokenId);
    }),
  ];
}

/** A resolved bot that can take a seat: active, and a house bot with a strategy. */
function seatBot(bots: ReadonlyMap<string, Bot>, idOrName: string): Bot {
  const bot = bots.get(idOrName);
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

/**
 * Every created match's rows in one D1 batch (one transaction, one round trip). A match
 * whose token seat was refused (cap reached, token revoked) has its rows removed again in the
 * same batch — its object was never announced to anyone and cancels itself at the connection
 * wait; the rest move to `live`.
 */
export async function writeRegistryRows(
  db: D1Database,
  created: readonly PreparedMatch[],
): Promise<{ live: PreparedMatch[]; refused: PreparedMatch[] }> {
  const live: PreparedMatch[] = [];
  const refused: PreparedMatch[] = [];
  if (created.length === 0) return { live, refused };
  const perMatch = created.map((p) => [...registryRows(db, p), ...settleRows(db, p)]);
  const results = await db.batch(perMatch.flat());
  let at = 0;
  created.forEach((p, i) => {
    // The first settle statement is the move to `live`: one change when every seat was taken.
    const promoted = results[at + 1 + p.seats.length];
    at += perMatch[i]?.length ?? 0;
    (promoted?.meta.changes === 1 ? live : refused).push(p);
  });
  return { live, refused };
}

/**
 * After a match's rows in the same batch: `live` when every seat's row was written, else the
 * rows go again. Nothing else can touch the rows between (the batch is one transaction).
 */
function settleRows(db: D1Database, p: PreparedMatch): D1PreparedStatement[] {
  return [
    db
      .prepare(
        "UPDATE matches SET status = 'live' WHERE id = ? AND status = 'dispatching' AND (SELECT count(*) FROM participants WHERE match_id = ?) = ?",
      )
      .bind(p.matchId, p.matchId, p.seats.length),
    db
      .prepare(
        "DELETE FROM participants WHERE match_id = ? AND EXISTS (SELECT 1 FROM matches WHERE id = ? AND status = 'dispatching')",
      )
      .bind(p.matchId, p.matchId),
    db.prepare("DELETE FROM matches WHERE id = ? AND status = 'dispatching'").bind(p.matchId),
  ];
}
