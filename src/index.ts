import { app } from "./app";

export { ChannelObject } from "./channels/channel-object";
export { InboxObject } from "./channels/inbox-object";
export { BotObject } from "./lobby/bot-object";
export { ConnectLimiterObject } from "./lobby/connect-limiter-object";
export { MatchmakerObject } from "./lobby/matchmaker-object";
export { MatchObject } from "./match/match-object";
export { OperatorHubObject } from "./operators/operator-hub-object";
export { SledObject } from "./sleds/sled-object";
export { TournamentObject } from "./tournaments/tournament-object";

export default app satisfies ExportedHandler<Env>;
