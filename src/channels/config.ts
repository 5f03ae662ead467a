/** Tunables of agent sockets and logs, from wrangler vars (documented in wrangler.toml). */

import { positiveIntVar } from "../lib/vars.ts";
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

/** Reads the agent settings from wrangler vars, with the documented defaults. */
export function socketConfig(env: Env): SocketConfig {
  return {
    serverId: String(env.AGENT_SERVER_ID || "botgate"),
    maxFrameBytes: positiveIntVar(env.AGENT_MAX_FRAME_BYTES, 16_384),
    rate: {
      perSecond: positiveIntVar(env.AGENT_RATE_PER_S, 20),
      burst: positiveIntVar(env.AGENT_RATE_BURST, 40),
      maxViolations: 5,
      windowMs: 60_000,
    },
    handshakeTimeoutMs: positiveIntVar(env.AGENT_HANDSHAKE_TIMEOUT_MS, 10_000),
    heartbeatTimeoutMs: positiveIntVar(env.AGENT_HEARTBEAT_TIMEOUT_MS, 75_000),
    presenceBatchMs: positiveIntVar(env.AGENT_PRESENCE_BATCH_MS, 250),
    channelRetentionMs: positiveIntVar(env.CHANNEL_RETENTION_S, 604_800) * 1000,
    channelMaxMessages: positiveIntVar(env.CHANNEL_MAX_MESSAGES, 10_000),
    inboxRetentionMs: positiveIntVar(env.INBOX_RETENTION_S, 604_800) * 1000,
    inboxMaxWhispers: positiveIntVar(env.INBOX_MAX_WHISPERS, 10_000),
    autoCreateChannels: String(env.CHANNEL_AUTO_CREATE) === "true",
  };
}
