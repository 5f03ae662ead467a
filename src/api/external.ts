import { Hono } from "hono";
import { requireAdmin } from "../http/auth";
import type { AppEnv } from "../http/context";
import { latencyStats } from "../lobby/latency-stats";
import { recentLatencySamples } from "../lobby/match-index";
import { requireBot } from "./bots";

/** How many of a bot's most recent finished matches latency-stats summarises. */
export const LATENCY_STATS_RECENT_MATCHES = 20;

/**
 * `/api/external-api`: the bot-token routes of bot protocol §8.1 — the house-bot challenge
 * and the matchmaking queue — and the admin latency-stats route of §8.2.
 */
export const externalRoutes = new Hono<AppEnv>()
  .use("/bots/:bot_id/latency-stats", requireAdmin)
  .get("/bots/:bot_id/latency-stats", async (c) => {
    const bot = await requireBot(c.env.DB, c.req.param("bot_id"));
    const samples = await recentLatencySamples(c.env.DB, bot.id, LATENCY_STATS_RECENT_MATCHES);
    return c.json(latencyStats(bot.id, samples));
  });
