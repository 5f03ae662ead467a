import { Hono } from "hono";
import * as v from "valibot";
import { validationError } from "../http/body";
import type { AppEnv } from "../http/context";
import { botRating, leaderboard, ratingHistory } from "../ratings/store";
import { requireBot } from "./bots";

const pageNumber = (digits: number, min: number, max: number) =>
  v.optional(
    v.pipe(
      v.string(),
      v.regex(new RegExp(`^\\d{1,${digits}}$`)),
      v.transform(Number),
      v.minValue(min),
      v.maxValue(max),
    ),
  );

const LeaderboardQuerySchema = v.strictObject({
  limit: pageNumber(3, 1, 100),
  offset: pageNumber(6, 0, 100_000),
});

const RatingQuerySchema = v.strictObject({ history: pageNumber(3, 0, 100) });

function query<S extends v.GenericSchema>(schema: S, raw: Record<string, string>) {
  const parsed = v.safeParse(schema, raw);
  if (!parsed.success) throw validationError(parsed.issues);
  return parsed.output as v.InferOutput<S>;
}

/**
 * Public reads of the ratings (docs/ratings.md): the leaderboard and one bot's rating with
 * its history. Mounted before the admin `/api/bots` routes, so no credential is needed.
 */
export const ratingRoutes = new Hono<AppEnv>()
  .get("/leaderboard", async (c) => {
    const { limit = 50, offset = 0 } = query(LeaderboardQuerySchema, c.req.query());
    const page = await leaderboard(c.env.DB, { limit, offset });
    return c.json({
      total: page.total,
      limit,
      offset,
      next_offset: offset + page.entries.length < page.total ? offset + page.entries.length : null,
      entries: page.entries,
    });
  })
  .get("/bots/:id/rating", async (c) => {
    const { history = 20 } = query(RatingQuerySchema, c.req.query());
    const bot = await requireBot(c.env.DB, c.req.param("id"));
    return c.json({
      bot_id: bot.id,
      name: bot.name,
      ...(await botRating(c.env.DB, bot.id)),
      history: await ratingHistory(c.env.DB, bot.id, history),
    });
  });
