/**
 * Bookkeeping of one lobby socket: its phase, kept in the socket's hibernation attachment so
 * it survives eviction, and the schedule keys of its deadlines.
 */
import type { LobbyConfig } from "./config";

/** A lobby socket before, during and after authentication. */
export type LobbySocketState =
  | { phase: "authenticating"; connId: string; botId: string; openedAt: number }
  /** The token is being checked against D1; frames arriving meanwhile are ignored. */
  | { phase: "verifying"; connId: string; botId: string; openedAt: number }
  | {
      phase: "online";
      connId: string;
      botId: string;
      tokenId: string;
      /** When the bot last proved it is alive (authentication or pong), epoch ms. */
      lastSeenAt: number;
      /** The unanswered ping's send time, or `null` when no pong is owed. */
      pingSentAt: number | null;
    };

export function readSocketState(ws: WebSocket): LobbySocketState | null {
  return (ws.deserializeAttachment() as LobbySocketState | null) ?? null;
}

export function writeSocketState(ws: WebSocket, state: LobbySocketState): void {
  ws.serializeAttachment(state);
}

/** Schedule keys of one connection's deadlines. */
export const scheduleKey = {
  auth: (connId: string) => `auth:${connId}`,
  ping: (connId: string) => `ping:${connId}`,
  pong: (connId: string) => `pong:${connId}`,
  all: (connId: string) => [`auth:${connId}`, `ping:${connId}`, `pong:${connId}`],
  parse(key: string): { kind: "auth" | "ping" | "pong"; connId: string } | null {
    const match = /^(auth|ping|pong):(.+)$/.exec(key);
    if (!match?.[1] || !match[2]) return null;
    return { kind: match[1] as "auth" | "ping" | "pong", connId: match[2] };
  },
};

/**
 * Lobby presence (§3.1 "online"): an authenticated, open socket whose owed pong is not late
 * and that was heard from within one heartbeat cycle. The second bound keeps presence honest
 * even if a heartbeat alarm were lost: a bot is never reported online on stale evidence.
 */
export function isPresent(
  state: LobbySocketState | null,
  readyState: number,
  now: number,
  config: Pick<LobbyConfig, "pingIntervalMs" | "pongTimeoutMs">,
): boolean {
  if (state?.phase !== "online" || readyState !== WebSocket.OPEN) return false;
  if (state.pingSentAt !== null && now - state.pingSentAt > config.pongTimeoutMs) return false;
  return now - state.lastSeenAt <= config.pingIntervalMs + 2 * config.pongTimeoutMs;
}
