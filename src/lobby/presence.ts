/**
 * Lobby presence as pure logic (no runtime imports, unit-tested in Node): the phases of a
 * lobby socket and when its bot counts as online.
 */

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

/**
 * Lobby presence (§3.1 "online"): an authenticated, open socket whose owed pong is not late
 * and that was heard from within one heartbeat cycle. The second bound keeps presence honest
 * even if a heartbeat alarm were lost: a bot is never reported online on stale evidence.
 */
export function isPresent(
  state: LobbySocketState | null,
  socketOpen: boolean,
  now: number,
  timings: { pingIntervalMs: number; pongTimeoutMs: number },
): boolean {
  if (state?.phase !== "online" || !socketOpen) return false;
  if (state.pingSentAt !== null && now - state.pingSentAt > timings.pongTimeoutMs) return false;
  return now - state.lastSeenAt <= timings.pingIntervalMs + 2 * timings.pongTimeoutMs;
}
