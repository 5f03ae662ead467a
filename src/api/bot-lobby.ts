import { Hono } from "hono";
import * as v from "valibot";
import { requireAdmin } from "../http/auth";
import type { AppEnv } from "../http/context";
import { route } from "../http/openapi";
import { BotMatchSchema, listBotMatches } from "../lobby/match-index";
import { BOT_ID_PARAM, requireBot } from "./bots";

const MatchesQuerySchema = v.strictObject({
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,3}$/),
      v.description("1–100, default 20"),
      v.transform(Number),
      v.minValue(1),
      v.maxValue(100),
    ),
  ),
});

/** Admin views of one bot's lobby side, under `/api/bots/{id}`: its matches and its presence. */
export const botLobbyRoutes = new Hono<AppEnv>()
  .use(requireAdmin)
  .get(
    "/:id/matches",
    route({
      id: "listBotMatches",
      summary: "A bot's matches, newest first",
      tag: "Bots",
      auth: "admin",
      params: { id: BOT_ID_PARAM },
      query: MatchesQuerySchema,
      responses: {
        200: {
          description: "The bot's matches with its seat and results",
          body: v.strictObject({ bot_id: v.string(), matches: v.array(BotMatchSchema) }),
        },
      },
      errors: { 400: ["BOT_NOT_FOUND"] },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const bot = await requireBot(c.env.DB, c.req.param("id"));
      return c.json({
        bot_id: bot.id,
        matches: await listBotMatches(c.env.DB, bot.id, query.limit ?? 20),
      });
    },
  )
  .get(
    "/:id/presence",
    route({
      id: "getBotPresence",
      summary: "Whether a bot is online in the lobby",
      description: "House bots are never online: they have no lobby socket.",
      tag: "Bots",
      auth: "admin",
      params: { id: BOT_ID_PARAM },
      responses: {
        200: {
          description: "The lobby presence",
          body: v.strictObject({ bot_id: v.string(), online: v.boolean() }),
        },
      },
      errors: { 400: ["BOT_NOT_FOUND"] },
    }),
    async (c) => {
      const bot = await requireBot(c.env.DB, c.req.param("id"));
      const online = bot.kind === "external_api" && (await c.env.BOT.getByName(bot.id).isOnline());
      return c.json({ bot_id: bot.id, online });
    },
  );
