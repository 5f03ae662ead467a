import { app } from "./app";

export { BotObject } from "./lobby/bot-object";
export { ConnectLimiterObject } from "./lobby/connect-limiter-object";
export { MatchmakerObject } from "./lobby/matchmaker-object";
export { MatchObject } from "./match/match-object";

export default app satisfies ExportedHandler<Env>;
