/** Tunables of agent sockets and logs, from wrangler vars (documented in wrangler.toml). */
import type { RateLimits } from "./rate-limit.ts";

/** Parsed, bounded settings of agent sockets and logs. */
export interface SocketConfig {
  serverId: string;
  maxFrameBytes: number;
  rate: RateLimits;
  handshakeTimeoutMs: number;
  heartbeatTimeoutMs: number;
  presenceBatchMs: number;
  channelRetentionMs: number;
  channelMaxMessages: number;
  inboxRetentionMs: number;
  inboxMaxWhispers: number;
  autoCreateChannels: boolean;
}

/** A positive integer var, or the default when unset or nonsense. */
function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

/** Reads the agent settings from wrangler vars, with the documented defaults. */
export function socketConfig(env: Env): SocketConfig {
  return {
    serverId: String(env.AGENT_SERVER_ID || "botgate"),
    maxFrameBytes: positive(env.AGENT_MAX_FRAME_BYTES, 16_384),
    rate: {
      perSecond: positive(env.AGENT_RATE_PER_S, 20),
      burst: positive(env.AGENT_RATE_BURST, 40),
      maxViolations: 5,
      windowMs: 60_000,
    },
    handshakeTimeoutMs: positive(env.AGENT_HANDSHAKE_TIMEOUT_MS, 10_000),
    heartbeatTimeoutMs: positive(env.AGENT_HEARTBEAT_TIMEOUT_MS, 75_000),
    presenceBatchMs: positive(env.AGENT_PRESENCE_BATCH_MS, 250),
    channelRetentionMs: positive(env.CHANNEL_RETENTION_S, 604_800) * 1000,
    channelMaxMessages: positive(env.CHANNEL_MAX_MESSAGES, 10_000),
    inboxRetentionMs: positive(env.INBOX_RETENTION_S, 604_800) * 1000,
    inboxMaxWhispers: positive(env.INBOX_MAX_WHISPERS, 10_000),
    autoCreateChannels: String(env.CHANNEL_AUTO_CREATE) === "true",
  };
}
