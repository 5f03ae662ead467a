import { app } from "./app";

export { MatchObject } from "./match/match-object";

export default app satisfies ExportedHandler<Env>;
