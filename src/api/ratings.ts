import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../http/context";
import { route } from "../http/openapi";
import { queryInteger } from "../http/query";
import { IsoTimestamp } from "../lib/time";
import { botRating, leaderboard, ratingHistory } from "../ratings/store";
import { BOT_ID_PARAM, requireBot } from "./bots";

const LeaderboardQuerySchema = v.strictObject({
  limit: queryInteger(3, 1, 100, "1–100, default 50"),
  offset: queryInteger(6, 0, 100_000, "0–100000, default 0"),
});

const RatingQuerySchema = v.strictObject({
  history: queryInteger(3, 0, 100, "0–100 most recent changes, default 20"),
});

const count = v.pipe(v.number(), v.integer());
const RatingFields = {
  mu: v.number(),
  sigma: v.number(),
  rating: v.pipe(v.number(), v.description("The display rating: mu − 3 sigma")),
  matches: count,
  wins: count,
  losses: count,
  draws: count,
};

const LeaderboardSchema = v.strictObject({
  total: count,
  limit: count,
  offset: count,
  next_offset: v.nullable(count),
  entries: v.array(
    v.strictObject({
      rank: count,
      bot_id: v.string(),
      name: v.string(),
      ...RatingFields,
      updated_at: IsoTimestamp,
    }),
  ),
});

const BotRatingSchema = v.strictObject({
  bot_id: v.string(),
  name: v.string(),
  ...RatingFields,
  updated_at: v.nullable(IsoTimestamp),
  history: v.array(
    v.strictObject({
      match_id: v.string(),
      opponent_id: v.string(),
      result: v.picklist(["win", "loss", "draw"]),
      mu_before: v.number(),
      sigma_before: v.number(),
      rating_before: v.number(),
      mu: v.number(),
      sigma: v.number(),
      rating: v.number(),
      rated_at: IsoTimestamp,
    }),
  ),
});

/**
 * Public reads of the ratings (docs/ratings.md): the leaderboard and one bot's rating with
 * its history. Mounted before the admin `/api/bots` routes, so no credential is needed.
 */
export const ratingRoutes = new Hono<AppEnv>()
  .get(
    "/leaderboard",
    route({
      id: "getLeaderboard",
      summary: "The leaderboard, by display rating",
      description: "Active bots with at least one rated match; ranks count from 1.",
      tag: "Ratings",
      auth: "public",
      query: LeaderboardQuerySchema,
      responses: { 200: { description: "A page of the leaderboard", body: LeaderboardSchema } },
    }),
    async (c) => {
      const { limit = 50, offset = 0 } = c.req.valid("query");
      const page = await leaderboard(c.env.DB, { limit, offset });
      const next = offset + page.entries.length;
      return c.json({
        total: page.total,
        limit,
        offset,
        next_offset: next < page.total ? next : null,
        entries: page.entries,
      });
    },
  )
  .get(
    "/bots/:id/rating",
    route({
      id: "getBotRating",
      summary: "A bot's rating with its history",
      description: "A bot never rated answers the initial rating with `matches: 0`.",
      tag: "Ratings",
      auth: "public",
      params: { id: BOT_ID_PARAM },
      query: RatingQuerySchema,
      responses: { 200: { description: "The rating, newest change first", body: BotRatingSchema } },
      errors: { 400: ["BOT_NOT_FOUND"] },
    }),
    async (c) => {
      const { history = 20 } = c.req.valid("query");
      const bot = await requireBot(c.env.DB, c.req.param("id"));
      return c.json({
        bot_id: bot.id,
        name: bot.name,
        ...(await botRating(c.env.DB, bot.id)),
        history: await ratingHistory(c.env.DB, bot.id, history),
      });
    },
  );
