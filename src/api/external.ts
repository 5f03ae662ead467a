import { Hono } from "hono";
import * as v from "valibot";
import { requireAdmin, requireBotToken } from "../http/auth";
import { EmptySchema } from "../http/body";
import type { AppContext, AppEnv } from "../http/context";
import { ApiError, unauthorized } from "../http/errors";
import { route } from "../http/openapi";
import {
  dispatchChallenge,
  dispatchEligibility,
  LOBBY_DECISION_TIMEOUT_MS,
} from "../lobby/dispatch-paths";
import { LatencyStatsSchema, latencyStats } from "../lobby/latency-stats";
import { recentLatencySamples } from "../lobby/match-index";
import { JoinAnswerSchema, LeaveAnswerSchema, MATCHMAKING_QUEUE } from "../lobby/matchmaker-object";
import { QueueStatusSchema } from "../lobby/queue";
import { DISPATCH_ERRORS } from "../match/dispatch";
import { type Bot, getBot } from "../registry/bots";
import { BOT_ID_PARAM, requireBot } from "./bots";

/** How many of a bot's most recent finished matches latency-stats summarises. */
export const LATENCY_STATS_RECENT_MATCHES = 20;

const ChallengeSchema = v.strictObject({
  /** Optional cross-check: must be the token's own bot (else the same opaque 401). */
  bot_id: v.optional(v.string()),
  /** A house bot's UUID or exact name; the earliest-created active one when absent. */
  opponent: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(100))),
  /**
   * botgate addition: the decision clock of this casual match (default 30000), within the
   * bounds of any match's `turn_timeout_ms` — a bot that reasons slowly (an LLM) asks for more.
   */
  turn_timeout_ms: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1000), v.maxValue(600_000)),
  ),
  /**
   * botgate addition: the house bot answers at once, turn results are not jittered and the
   * per-seat message limit is 200 a second (`FAST_CHALLENGE_CONFIG`), so a casual match plays
   * in seconds — for a first run or a test loop; the decision clock is unchanged.
   */
  fast: v.optional(v.boolean()),
});

/** The `200` of the house-bot challenge (§8.1). */
const ChallengeAnswerSchema = v.strictObject({
  match_id: v.string(),
  participant_id: v.string(),
  status: v.literal("dispatching"),
  /** Always null: the seat's socket arrives in the lobby's `matched` notice. */
  gateway_ws_url: v.null(),
  opponent: v.string(),
  opponent_bot_id: v.string(),
  rated: v.literal(false),
  decision_timeout_ms: v.number(),
});

/**
 * The house bot a challenge names: a UUID or exact name of an active house bot; without a
 * selector, the earliest-created one.
 */
async function resolveHouseBot(db: D1Database, selector: string | undefined): Promise<Bot> {
  const row = await db
    .prepare(
      `SELECT id FROM bots WHERE kind = 'house' AND active = 1 AND (?1 IS NULL OR id = ?1 OR name = ?1)
       ORDER BY created_at, id LIMIT 1`,
    )
    .bind(selector ?? null)
    .first<{ id: string }>();
  const bot = row ? await getBot(db, row.id) : null;
  if (!bot) {
    throw new ApiError(400, "EXTAPI_HOUSE_BOT_NOT_FOUND", "opponent is not an active house bot");
  }
  return bot;
}

/** §3.5: the bot must be in the lobby and under its token's cap at dispatch time. */
async function requireDispatchable(c: AppContext, botId: string, tokenId: string): Promise<void> {
  const eligibility = await dispatchEligibility(c.env, botId, tokenId);
  if (eligibility === "offline") {
    throw new ApiError(409, "EXT_BOT_OFFLINE", "The bot is not online in the lobby");
  }
  if (eligibility === "at_cap") {
    throw new ApiError(
      429,
      "TOKEN_AT_CONCURRENT_MATCH_CAP",
      "This token is at its concurrent-match cap",
    );
  }
  if (eligibility === "revoked") throw unauthorized();
}

function matchmaker(env: Env) {
  return env.MATCHMAKER.getByName(MATCHMAKING_QUEUE);
}

/**
 * `/api/external-api`: the bot-token routes of bot protocol §8.1 — the house-bot challenge
 * and the matchmaking queue — and the admin latency-stats route of §8.2.
 */
export const externalRoutes = new Hono<AppEnv>()
  .use("/challenges/*", requireBotToken)
  .use("/matchmaking/*", requireBotToken)
  .use("/bots/:bot_id/latency-stats", requireAdmin)
  .post(
    "/challenges/house-bot",
    route({
      id: "challengeHouseBot",
      summary: "Challenge a house bot",
      description:
        "A casual (unrated) match against a house bot with the 30 s decision clock (or `turn_timeout_ms`, a botgate addition); `fast: true` (a botgate addition) removes the house bot's think time and the turn-result jitter and allows 200 messages a second. The bot must be online in the lobby and under its token's concurrent-match cap; the seat arrives as a lobby `matched` notice.",
      tag: "Lobby",
      auth: "botToken",
      body: ChallengeSchema,
      responses: { 200: { description: "The match is dispatching", body: ChallengeAnswerSchema } },
      errors: [DISPATCH_ERRORS, { 400: ["EXTAPI_HOUSE_BOT_NOT_FOUND"], 409: ["EXT_BOT_OFFLINE"] }],
    }),
    async (c) => {
      const { botId, tokenId } = c.get("bot");
      const body = c.req.valid("json");
      // A bot_id cross-check failure is the same opaque 401 as a bad token (§8.1).
      if (body.bot_id !== undefined && body.bot_id !== botId) throw unauthorized();
      const house = await resolveHouseBot(c.env.DB, body.opponent);
      await requireDispatchable(c, botId, tokenId);
      const turnTimeoutMs = body.turn_timeout_ms ?? LOBBY_DECISION_TIMEOUT_MS;
      const result = await dispatchChallenge(c.env, { botId, tokenId }, house, {
        turnTimeoutMs,
        fast: body.fast === true,
      });
      const seat = result.seats.find((s) => s.bot_id === botId);
      if (!seat) throw new Error("dispatched challenge has no seat for the challenger");
      return c.json({
        match_id: result.match_id,
        participant_id: seat.participant_id,
        status: "dispatching",
        gateway_ws_url: null,
        opponent: house.name,
        opponent_bot_id: house.id,
        rated: false,
        decision_timeout_ms: turnTimeoutMs,
      } satisfies v.InferOutput<typeof ChallengeAnswerSchema>);
    },
  )
  .post(
    "/matchmaking/join",
    route({
      id: "joinMatchmaking",
      summary: "Join the rated matchmaking queue",
      description:
        "Queues the bot (`nlhe-hu`) and runs a pairing pass. A repeated join changes nothing and answers the current queued status.",
      tag: "Lobby",
      auth: "botToken",
      body: EmptySchema,
      responses: {
        200: { description: "Queued, or matched by this join", body: JoinAnswerSchema },
      },
      errors: { 403: ["EXTAPI_MATCHMAKING_INELIGIBLE"] },
    }),
    async (c) => {
      const { botId, tokenId } = c.get("bot");
      const bot = await getBot(c.env.DB, botId);
      if (bot?.kind !== "external_api" || bot.owner === "system") {
        throw new ApiError(
          403,
          "EXTAPI_MATCHMAKING_INELIGIBLE",
          "Only external bots may join the matchmaking queue",
        );
      }
      return c.json(await matchmaker(c.env).join(botId, tokenId));
    },
  )
  .get(
    "/matchmaking/status",
    route({
      id: "getMatchmakingStatus",
      summary: "The bot's place in the queue",
      description: "`timed_out` is reported once after the TTL ran out, then `idle`.",
      tag: "Lobby",
      auth: "botToken",
      responses: { 200: { description: "The queue status", body: QueueStatusSchema } },
    }),
    async (c) => c.json(await matchmaker(c.env).status(c.get("bot").botId)),
  )
  .post(
    "/matchmaking/leave",
    route({
      id: "leaveMatchmaking",
      summary: "Leave the queue",
      description: "Idempotent.",
      tag: "Lobby",
      auth: "botToken",
      body: EmptySchema,
      responses: { 200: { description: "Left, or was not queued", body: LeaveAnswerSchema } },
    }),
    async (c) => c.json(await matchmaker(c.env).leave(c.get("bot").botId)),
  )
  .get(
    "/bots/:bot_id/latency-stats",
    route({
      id: "getLatencyStats",
      summary: "A bot's decision latencies",
      description: `Nearest-rank percentiles over every decision of the bot's ${LATENCY_STATS_RECENT_MATCHES} most recently finished matches; \`null\` with no samples.`,
      tag: "Bots",
      auth: "admin",
      params: { bot_id: BOT_ID_PARAM },
      responses: { 200: { description: "The percentiles", body: LatencyStatsSchema } },
      errors: { 400: ["BOT_NOT_FOUND"] },
    }),
    async (c) => {
      const bot = await requireBot(c.env.DB, c.req.param("bot_id"));
      const samples = await recentLatencySamples(c.env.DB, bot.id, LATENCY_STATS_RECENT_MATCHES);
      return c.json(latencyStats(bot.id, samples));
    },
  );
