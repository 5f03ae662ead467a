import { Hono } from "hono";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { route } from "../http/openapi";
import { refuseUpgrade } from "../match/upgrade";
import { LobbyClose } from "../protocol/lobby-frames";
import { isBotIdShaped, LOBBY_ROUTE } from "./lobby-path";
import { echoedProtocol, isWebSocketUpgrade } from "./upgrade";

/**
 * `/ws/external/bot/{bot_id}`: the Worker checks what it cheaply can (an upgrade, a
 * well-formed bot id — so garbage never creates an object) and forwards the raw upgrade
 * to that bot's `BotObject`, which authenticates the first frame.
 */
export const lobbyRoutes = new Hono<AppEnv>().get(
  LOBBY_ROUTE,
  route({
    id: "connectLobby",
    summary: "A bot's lobby socket",
    description:
      "Bot protocol §3: the first frame is `authenticate` with the bot token, then `hello`, heartbeats and `matched` notices. Every refusal, a malformed bot id included, finishes the upgrade and closes with a code (4001 `auth_failed`, 1008 over the per-IP connect limit).",
    tag: "WebSockets",
    auth: "public",
    upgrade: true,
    params: { bot_id: { description: "The bot's id (a UUID)" } },
    responses: { 101: { description: "Upgraded (refusals close with a code)" } },
  }),
  (c) => {
    if (!isWebSocketUpgrade(c.req.raw)) {
      throw new ApiError(426, "UPGRADE_REQUIRED", "This endpoint only accepts WebSocket upgrades");
    }
    const botId = c.req.param("bot_id");
    // No token can match a malformed bot id: the same 4001 the object would send (§3.7).
    if (!isBotIdShaped(botId))
      return refuseUpgrade(LobbyClose.authFailed.code, echoedProtocol(c.req.raw));
    return c.env.BOT.getByName(botId).fetch(c.req.raw);
  },
);
