/**
 * Lobby-leg wire frames (bot protocol §3): valibot schemas for what a bot sends on
 * `/ws/external/bot/{bot_id}`, with types inferred from them, and the typed frames the
 * server sends there. Match-leg frames live in `bot-frames.ts`.
 */
import * as v from "valibot";
import { isoNow } from "../lib/time";
import { exceedsInboundLimit } from "./bot-frames";

// SDKs identify themselves with these optional fields on their `authenticate` frames; a
// `match_id` is not expected on the lobby (§9 item 5) but tolerated rather than fatal.
const clientIdentity = {
  match_id: v.optional(v.string()),
  client_name: v.optional(v.pipe(v.string(), v.maxLength(64))),
  client_version: v.optional(v.pipe(v.string(), v.maxLength(32))),
};

/** `B→S {"type":"authenticate","token":"cz_extbot_…"}` — the first lobby frame (§3.1). */
export const LobbyAuthenticateSchema = v.strictObject({
  type: v.literal("authenticate"),
  token: v.string(),
  ...clientIdentity,
});
export type LobbyAuthenticate = v.InferOutput<typeof LobbyAuthenticateSchema>;

/** `B→S {"type":"pong"}` — the answer to a lobby ping (§3.2); clients send no `match_id`. */
export const LobbyPongSchema = v.strictObject({
  type: v.literal("pong"),
  match_id: v.optional(v.string()),
});
export type LobbyPong = v.InferOutput<typeof LobbyPongSchema>;

/** Every bot frame the lobby acts on. Anything else is ignored input (§3.3). */
export const LobbyClientFrameSchema = v.variant("type", [LobbyAuthenticateSchema, LobbyPongSchema]);
export type LobbyClientFrame = v.InferOutput<typeof LobbyClientFrameSchema>;

/**
 * Parses one inbound lobby frame. `null` for everything the lobby does not act on:
 * binary frames, frames over 4096 UTF-8 bytes (the bot protocol's one inbound limit; no
 * legitimate lobby frame comes close), non-JSON, non-objects, unknown types and schema
 * failures.
 */
export function parseLobbyFrame(message: string | ArrayBuffer): LobbyClientFrame | null {
  if (typeof message !== "string" || exceedsInboundLimit(message)) return null;
  let data: unknown;
  try {
    data = JSON.parse(message);
  } catch {
    return null;
  }
  const result = v.safeParse(LobbyClientFrameSchema, data);
  return result.success ? result.output : null;
}

/** `S→B hello` on the lobby (§3.1): `match_id` carries the bot id, `seq` is always 1. */
export interface LobbyHelloFrame {
  type: "hello";
  match_id: string;
  seq: 1;
  server_ts: string;
  supported_versions: ["1.0"];
  selected_version: "1.0";
  server_name: "chipzen";
  endpoint: "lobby";
}

/** `S→B {"type":"ping"}` every heartbeat cycle (§3.2). */
export interface LobbyPingFrame {
  type: "ping";
}

/** Sent on the older lobby socket before it is closed 4000 (§3.4). */
export interface LobbyEvictFrame {
  type: "evict";
  reason: "replaced";
}

/** `S→B matched` (§3.5): a seat for this bot; `resume` only on re-announcement (§3.6). */
export interface MatchedFrame {
  type: "matched";
  match_id: string;
  participant_id: string;
  gateway_ws_url: string;
  rated: boolean;
  decision_timeout_ms?: number;
  resume?: true;
}

export type LobbyServerFrame = LobbyHelloFrame | LobbyPingFrame | LobbyEvictFrame | MatchedFrame;

/**
 * Lobby close codes (§3.7; 1008 is the shared connect limit). Reasons follow the match leg's
 * snake_case names, except the one the contract spells out for a replaced lobby (§3.4).
 * A missed `authenticate` deadline is the contract's 4001 with a reason of its own: the
 * network may have held a good token's frame, so botgate's SDK re-dials it (docs/lobby.md).
 */
export const LobbyClose = {
  replaced: { code: 4000, reason: "Replaced by new connection" },
  heartbeatTimeout: { code: 4000, reason: "heartbeat_timeout" },
  authFailed: { code: 4001, reason: "auth_failed" },
  authTimeout: { code: 4001, reason: "auth_timeout" },
  tokenRevoked: { code: 4002, reason: "token_revoked" },
  internalError: { code: 1011, reason: "internal_error" },
} as const satisfies Record<string, { code: number; reason: string }>;

/** The lobby hello for `botId` at `now`. */
export function lobbyHello(botId: string, now: number): LobbyHelloFrame {
  return {
    type: "hello",
    match_id: botId,
    seq: 1,
    server_ts: isoNow(now),
    supported_versions: ["1.0"],
    selected_version: "1.0",
    server_name: "chipzen",
    endpoint: "lobby",
  };
}
