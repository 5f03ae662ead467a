/**
 * The Worker side of the match sockets (§4): checks what it cheaply can, in the contract's
 * order, then forwards the upgrade to the `MatchObject` with the verified identity in one
 * internal header. Every refusal finishes the upgrade and closes with the code.
 */
import { Hono } from "hono";
import { operatorCredential } from "../http/auth.ts";
import type { AppEnv } from "../http/context.ts";
import { ApiError } from "../http/errors.ts";
import { route } from "../http/openapi.ts";
import { describeError, log } from "../lib/log.ts";
import { CloseCode, CloseReason } from "../protocol/bot-frames.ts";
import { botTokenQuery, recordTokenUse } from "../registry/tokens.ts";
import { UPGRADE_HEADER, type UpgradeInfo } from "./match-object.ts";
import { ADMIN_SENTINEL, botTokenOf, refuseUpgrade, subprotocolCredential } from "./upgrade.ts";

const MATCH_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const PARTICIPANT_ID = /^p_[0-9a-f]{12}$/;

const SEAT_PARAMS = {
  match_id: { description: "The match's id (a UUID)", pattern: MATCH_ID },
  participant_id: { description: "The seat's `participant_id`", pattern: PARTICIPANT_ID },
};
const REFUSALS = `Every refusal finishes the upgrade and closes with a code (bot protocol §4, §5.12): ${CloseCode.authFailed} \`${CloseReason[CloseCode.authFailed]}\`, ${CloseCode.matchNotFound} \`${CloseReason[CloseCode.matchNotFound]}\`, ${CloseCode.policy} over the per-IP connect limit, ${CloseCode.unavailable} when the match cannot be reached.`;

const UPGRADED = { 101: { description: "Upgraded (refusals close with a code)" } };

/** `/ws/external/match/…`, `/ws/match/…` and the spectator socket. */
export const matchSocketRoutes = new Hono<AppEnv>()
  .get(
    "/ws/external/match/:match_id/:participant_id",
    route({
      id: "connectMatchSeat",
      summary: "A seat's match socket (token in the subprotocol)",
      description: `Bot protocol §4–§5: the bot token comes as \`Sec-WebSocket-Protocol: chipzen-bot-token, <token>\` (the deprecated \`?token=\` as fallback); the path is the \`gateway_ws_url\` of the dispatch. ${REFUSALS}`,
      tag: "WebSockets",
      auth: "public",
      upgrade: true,
      params: SEAT_PARAMS,
      responses: UPGRADED,
    }),
    async (c) => {
      const request = c.req.raw;
      requireUpgrade(request);
      const { token, protocol } = botTokenOf(request);
      const matchId = c.req.param("match_id");
      const participantId = c.req.param("participant_id");
      if (!MATCH_ID.test(matchId) || !PARTICIPANT_ID.test(participantId)) {
        return refuseUpgrade(CloseCode.matchNotFound, protocol);
      }
      const tokenCheck = token ? await botTokenQuery(c.env.DB, token) : null;
      if (!tokenCheck) return refuseUpgrade(CloseCode.authFailed, protocol);
      // The token and the seat in one D1 round trip (a reconnect waits for it).
      const owner = seatOwner(c.env.DB, matchId, participantId);
      const [tokenResult, seatResult] = await c.env.DB.batch([tokenCheck.query, owner.query]);
      const verified = await tokenCheck.read(tokenResult);
      if (!verified) return refuseUpgrade(CloseCode.authFailed, protocol);
      const seat = owner.read(seatResult);
      if (seat === "no_match") return refuseUpgrade(CloseCode.matchNotFound, protocol);
      if (seat !== verified.botId) return refuseUpgrade(CloseCode.authFailed, protocol);
      recordTokenUse(c.env.DB, verified, Date.now(), c.executionCtx);
      return forward(c.env, request, matchId, {
        role: "seat",
        participant_id: participantId,
        bot_id: verified.botId,
        protocol,
      });
    },
  )
  .get(
    "/ws/match/:match_id/spectate",
    route({
      id: "spectateMatch",
      summary: "A read-only view of a match (admin, or an operator token with operator.read)",
      description: `The admin token, or an operator token holding \`operator.read\`, comes as \`Sec-WebSocket-Protocol: botgate-admin, <token>\` or \`?token=\`. ${REFUSALS}`,
      tag: "WebSockets",
      auth: "public",
      upgrade: true,
      params: { match_id: SEAT_PARAMS.match_id },
      responses: UPGRADED,
    }),
    async (c) => {
      const request = c.req.raw;
      requireUpgrade(request);
      const offer = subprotocolCredential(
        request.headers.get("sec-websocket-protocol"),
        ADMIN_SENTINEL,
        null,
      );
      const protocol = offer.sentinel ? ADMIN_SENTINEL : null;
      const credential = offer.credential ?? new URL(request.url).searchParams.get("token");
      const matchId = c.req.param("match_id");
      if (!MATCH_ID.test(matchId)) return refuseUpgrade(CloseCode.matchNotFound, protocol);
      if (!credential || !(await operatorCredential(c.env, credential, "operator.read"))) {
        return refuseUpgrade(CloseCode.authFailed, protocol);
      }
      return forward(c.env, request, matchId, {
        role: "spectator",
        participant_id: null,
        bot_id: null,
        protocol,
      });
    },
  )
  .get(
    "/ws/match/:match_id/:participant_id",
    route({
      id: "connectMatchSeatAuthenticate",
      summary: "A seat's match socket (token in the first frame)",
      description: `Bot protocol §4: the same seat socket, authenticated by an \`authenticate\` frame instead of the subprotocol. ${REFUSALS}`,
      tag: "WebSockets",
      auth: "public",
      upgrade: true,
      params: SEAT_PARAMS,
      responses: UPGRADED,
    }),
    async (c) => {
      // The credential arrives in the `authenticate` frame; the object verifies it.
      const request = c.req.raw;
      requireUpgrade(request);
      const { protocol } = botTokenOf(request);
      const matchId = c.req.param("match_id");
      const participantId = c.req.param("participant_id");
      if (!MATCH_ID.test(matchId) || !PARTICIPANT_ID.test(participantId)) {
        return refuseUpgrade(CloseCode.matchNotFound, protocol);
      }
      const owner = seatOwner(c.env.DB, matchId, participantId);
      if (owner.read(await owner.query.all()) === "no_match") {
        return refuseUpgrade(CloseCode.matchNotFound, protocol);
      }
      return forward(c.env, request, matchId, {
        role: "seat",
        participant_id: participantId,
        bot_id: null,
        protocol,
      });
    },
  );

function requireUpgrade(request: Request): void {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "UPGRADE_REQUIRED", "This path only accepts WebSocket upgrades");
  }
}

/**
 * The seat's owner as a query and its reader: the bot that owns the seat, `"no_match"`
 * when the match id is unknown, or null when the match exists but has no such participant
 * (refused like a seat of another bot: 4001).
 */
function seatOwner(
  db: D1Database,
  matchId: string,
  participantId: string,
): {
  query: D1PreparedStatement;
  read(result: D1Result | undefined): string | "no_match" | null;
} {
  return {
    query: db
      .prepare(
        "SELECT m.id AS match_id, p.bot_id AS bot_id FROM matches m LEFT JOIN participants p ON p.match_id = m.id AND p.participant_id = ? WHERE m.id = ?",
      )
      .bind(participantId, matchId),
    read: (result) => {
      const row = result?.results[0] as { match_id: string; bot_id: string | null } | undefined;
      return row ? row.bot_id : "no_match";
    },
  };
}

/** Forwards the upgrade to the match object; an unreachable object is 1011 (§4). */
async function forward(
  env: Env,
  request: Request,
  matchId: string,
  info: UpgradeInfo,
): Promise<Response> {
  const headers = new Headers(request.headers);
  // Never trust this header from outside: it is ours alone.
  headers.delete(UPGRADE_HEADER);
  headers.set(UPGRADE_HEADER, JSON.stringify(info));
  try {
    return await env.MATCH.getByName(matchId).fetch(new Request(request, { headers }));
  } catch (err) {
    log("error", "match_backend_unreachable", { match_id: matchId, error: describeError(err) });
    return refuseUpgrade(CloseCode.unavailable, info.protocol);
  }
}
