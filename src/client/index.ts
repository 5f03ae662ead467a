/**
 * `botgate/client`: run a bot against a botgate (or Chipzen-compatible) gateway, and
 * connect agents to channels and inboxes. Runs in Node ≥ 22 and in browsers; file
 * storage for agents is in `botgate/client/node`.
 */

export { AgentClient, type AgentClientOptions, type AgentEvent } from "./agent-client.ts";
export { type ListedChannel, listChannels } from "./agent-http.ts";
export {
  type AgentKey,
  generateAgentKey,
  HttpError,
  importAgentKey,
  registerAgent,
  signText,
} from "./agent-keys.ts";
export { type Delivery, MemorySeqStore, RequestFailed, type SeqStore } from "./agent-link.ts";
export { Backoff } from "./backoff.ts";
export { type ChallengeAnswer, challengeHouseBot } from "./bot-http.ts";
export {
  type BotErrorData,
  GatewayUrlRefused,
  type MatchOutcome,
  playMatch,
  resolveGatewayUrl,
} from "./match-session.ts";
export { lobbyUrl, type RunBotOptions, type RunBotResult, runBot } from "./run-bot.ts";
export type * from "./types.ts";
