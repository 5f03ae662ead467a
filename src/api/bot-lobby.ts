import { Hono } from "hono";
import * as v from "valibot";
import { requireAdmin } from "../http/auth";
import { validationError } from "../http/body";
import type { AppEnv } from "../http/context";
import { listBotMatches } from "../lobby/match-index";
import { requireBot } from "./bots";

const MatchesQuerySchema = v.strictObject({
  limit: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(100)),
  ),
});

/** Admin views of one bot's lobby side, under `/api/bots/{id}`: its matches and its presence. */
export const botLobbyRoutes = new Hono<AppEnv>()
  .use(requireAdmin)
  .get("/:id/matches", async (c) => {
    const query = v.safeParse(MatchesQuerySchema, c.req.query());
    if (!query.success) throw validationError(query.issues);
    const bot = await requireBot(c.env.DB, c.req.param("id"));
    return c.json({
      bot_id: bot.id,
      matches: await listBotMatches(c.env.DB, bot.id, query.output.limit ?? 20),
    });
  })
  .get("/:id/presence", async (c) => {
    const bot = await requireBot(c.env.DB, c.req.param("id"));
    const online = bot.kind === "external_api" && (await c.env.BOT.getByName(bot.id).isOnline());
    return c.json({ bot_id: bot.id, online });
  });
