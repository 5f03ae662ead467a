import type { Context } from "hono";

/** Values the middleware puts on every request's context. */
export interface AppVariables {
  requestId: string;
  /** Set by `requireBotToken` on the bot-token routes. */
  bot: { botId: string; tokenId: string };
  /** Set by `requireOperator` (the admin token, or an operator token holding the scope). */
  operator: { label: string; tokenId: string | null };
}

export type AppEnv = { Bindings: Env; Variables: AppVariables };
export type AppContext = Context<AppEnv>;
