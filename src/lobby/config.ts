/**
 * The lobby's tunable timings and limits, read from `[vars]` in wrangler.toml. Defaults are
 * the contract's values (bot protocol §3.2, §8.1); tests and benchmarks shorten or raise them.
 */
import { positiveIntVar } from "../lib/vars.ts";

export interface LobbyConfig {
  /** `authenticate` deadline after the socket opens (§3.1): 5000. */
  authTimeoutMs: number;
  /** Server ping cadence (§3.2): 15000. */
  pingIntervalMs: number;
  /** Pong deadline after each ping (§3.2): 5000. */
  pongTimeoutMs: number;
  /** WebSocket upgrades one IP may start per rolling minute on `/ws/external/*`. */
  connectsPerIpPerMinute: number;
  /** Matchmaking queue TTL (§8.1): 600. */
  queueTtlSeconds: number;
  /** How soon an unpaired queue is re-examined. */
  matchmakingRetryMs: number;
  /** Whether the queue may pair two bots of the same owner (`MATCHMAKING_SAME_OWNER = "allow"`). */
  matchmakingSameOwner: boolean;
  /**
   * Settle window after a lobby connect before in-flight matches are re-announced, so a
   * client's own match re-dial can bind its seat first (`resume-window.ts`): 3000.
   */
  resumeSettleMs: number;
}

/** The lobby configuration of this deployment. Malformed values fall back to the contract's. */
export function lobbyConfig(env: Env): LobbyConfig {
  return {
    authTimeoutMs: positiveIntVar(env.LOBBY_AUTH_TIMEOUT_MS, 5000),
    pingIntervalMs: positiveIntVar(env.LOBBY_PING_INTERVAL_MS, 15_000),
    pongTimeoutMs: positiveIntVar(env.LOBBY_PONG_TIMEOUT_MS, 5000),
    connectsPerIpPerMinute: positiveIntVar(env.WS_CONNECTS_PER_IP_PER_MINUTE, 120),
    queueTtlSeconds: positiveIntVar(env.MATCHMAKING_QUEUE_TTL_SECONDS, 600),
    matchmakingRetryMs: positiveIntVar(env.MATCHMAKING_RETRY_MS, 5000),
    matchmakingSameOwner: String(env.MATCHMAKING_SAME_OWNER) === "allow",
    resumeSettleMs: positiveIntVar(env.LOBBY_RESUME_SETTLE_MS, 3000),
  };
}
