/** `botgate/client`: run a bot against a botgate (or Chipzen-compatible) gateway. */
export { Backoff } from "./backoff.ts";
export {
  GatewayUrlRefused,
  type MatchOutcome,
  playMatch,
  resolveGatewayUrl,
} from "./match-session.ts";
export { lobbyUrl, type RunBotOptions, type RunBotResult, runBot } from "./run-bot.ts";
export type * from "./types.ts";
