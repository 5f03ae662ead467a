import { Hono } from "hono";
import * as v from "valibot";
import { requireAdmin, requireBotToken } from "../http/auth";
import { EmptySchema } from "../http/body";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { route } from "../http/openapi";
import { queryInteger } from "../http/query";
import { describeError, log } from "../lib/log";
import { isoNow } from "../lib/time";
import { getBot } from "../registry/bots";
import { CreateTournamentSchema, resolveTournament } from "../tournaments/config";
import { listTournaments } from "../tournaments/directory";
import {
  TournamentStatusSchema,
  TournamentSummarySchema,
  type TournamentView,
  TournamentViewSchema,
} from "../tournaments/view";

/** Tournament ids are `crypto.randomUUID()` values; anything else is never a tournament. */
const TOURNAMENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ID_PARAM = { id: { description: "The tournament's id (a UUID)" } };

const ListQuerySchema = v.strictObject({
  status: v.optional(TournamentStatusSchema),
  limit: queryInteger(3, 1, 100, "1–100, default 20"),
  offset: queryInteger(6, 0, 100_000, "0–100000, default 0"),
});

interface TournamentRow {
  id: string;
  name: string;
  format: "round_robin" | "swiss" | "knockout";
  status: TournamentView["status"];
  rated: number;
  starts_at: string;
  created_at: string;
  ended_at: string | null;
}

function notFound(): ApiError {
  return new ApiError(400, "TOURNAMENT_NOT_FOUND", "No tournament with that id");
}

/** The directory row of a tournament, or the lookup miss. */
async function requireTournament(db: D1Database, id: string): Promise<TournamentRow> {
  if (!TOURNAMENT_ID.test(id)) throw notFound();
  const row = await db
    .prepare(
      "SELECT id, name, format, status, rated, starts_at, created_at, ended_at FROM tournaments WHERE id = ?",
    )
    .bind(id)
    .first<TournamentRow>();
  if (!row) throw notFound();
  return row;
}

async function viewOf(env: Env, id: string): Promise<TournamentView> {
  const view = await env.TOURNAMENT.getByName(id).view();
  if (!view) throw notFound();
  return view;
}

const THE_TOURNAMENT = { description: "The tournament", body: TournamentViewSchema };

/**
 * `/api/tournaments`: admins create, start early and cancel; anyone reads the list and a
 * tournament's rounds and standings (as public as the leaderboard).
 */
export const tournamentRoutes = new Hono<AppEnv>()
  .post(
    "/",
    requireAdmin,
    route({
      id: "createTournament",
      summary: "Create a tournament",
      description:
        "Formats, scoring, tie-breaks and limits: docs/tournaments.md. Entries are open until `starts_at` (absent: now).",
      tag: "Tournaments",
      auth: "admin",
      body: CreateTournamentSchema,
      responses: { 201: { description: "The scheduled tournament", body: TournamentViewSchema } },
      errors: { 400: ["INVALID_TOURNAMENT"], 503: ["TOURNAMENT_BACKEND_UNAVAILABLE"] },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const id = crypto.randomUUID();
      const spec = resolveTournament(body, id, Date.now());
      if (typeof spec === "string") throw new ApiError(400, "INVALID_TOURNAMENT", spec);
      // The object first, then its directory row: a create cut short in between leaves an
      // object nobody can find (it cancels itself at its start for want of entrants), never
      // a listed tournament without an object.
      let view: TournamentView | null;
      try {
        view = await c.env.TOURNAMENT.getByName(id).create(spec);
      } catch (err) {
        log("error", "tournament_create_failed", { tournament_id: id, error: describeError(err) });
        throw new ApiError(
          503,
          "TOURNAMENT_BACKEND_UNAVAILABLE",
          "The tournament could not be created",
        );
      }
      await c.env.DB.prepare(
        `INSERT INTO tournaments (id, name, format, status, rated, starts_at, created_at)
         VALUES (?, ?, ?, 'scheduled', ?, ?, ?)`,
      )
        .bind(
          id,
          spec.name,
          spec.format,
          spec.rated ? 1 : 0,
          isoNow(spec.starts_at),
          isoNow(spec.created_at),
        )
        .run();
      return c.json(view, 201);
    },
  )
  .get(
    "/",
    route({
      id: "listTournaments",
      summary: "List tournaments, newest first",
      tag: "Tournaments",
      auth: "public",
      query: ListQuerySchema,
      responses: {
        200: {
          description: "A page of the directory",
          body: v.strictObject({
            tournaments: v.array(TournamentSummarySchema),
            limit: v.number(),
            offset: v.number(),
            next_offset: v.nullable(v.number()),
          }),
        },
      },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const limit = query.limit ?? 20;
      const offset = query.offset ?? 0;
      const tournaments = await listTournaments(c.env.DB, { status: query.status, limit, offset });
      return c.json({
        tournaments,
        limit,
        offset,
        next_offset: tournaments.length === limit ? offset + limit : null,
      });
    },
  )
  .get(
    "/:id",
    route({
      id: "getTournament",
      summary: "A tournament: entrants, rounds with their tables, standings",
      tag: "Tournaments",
      auth: "public",
      params: ID_PARAM,
      responses: { 200: THE_TOURNAMENT },
      errors: { 400: ["TOURNAMENT_NOT_FOUND"] },
    }),
    async (c) => {
      const row = await requireTournament(c.env.DB, c.req.param("id"));
      return c.json(await viewOf(c.env, row.id));
    },
  )
  .post(
    "/:id/start",
    requireAdmin,
    route({
      id: "startTournament",
      summary: "Start a scheduled tournament now",
      description: "The start time moves to now: entries close and round 1's check-in opens.",
      tag: "Tournaments",
      auth: "admin",
      params: ID_PARAM,
      body: EmptySchema,
      responses: { 200: THE_TOURNAMENT },
      errors: { 400: ["TOURNAMENT_NOT_FOUND"], 409: ["TOURNAMENT_STARTED"] },
    }),
    async (c) => {
      const row = await requireTournament(c.env.DB, c.req.param("id"));
      if (!(await c.env.TOURNAMENT.getByName(row.id).start())) {
        throw new ApiError(
          409,
          "TOURNAMENT_STARTED",
          "The tournament has already started or ended",
        );
      }
      return c.json(await viewOf(c.env, row.id));
    },
  )
  .post(
    "/:id/cancel",
    requireAdmin,
    route({
      id: "cancelTournament",
      summary: "Cancel a tournament",
      description: "Matches in play finish (and count for ratings) but are not scored.",
      tag: "Tournaments",
      auth: "admin",
      params: ID_PARAM,
      body: EmptySchema,
      responses: { 200: THE_TOURNAMENT },
      errors: { 400: ["TOURNAMENT_NOT_FOUND"], 409: ["TOURNAMENT_FINISHED"] },
    }),
    async (c) => {
      const row = await requireTournament(c.env.DB, c.req.param("id"));
      if (!(await c.env.TOURNAMENT.getByName(row.id).cancel())) {
        throw new ApiError(409, "TOURNAMENT_FINISHED", "The tournament is already over");
      }
      return c.json(await viewOf(c.env, row.id));
    },
  );

const ENTRY_ERRORS = {
  TOURNAMENT_NOT_FOUND: [400, "No tournament with that id"],
  TOURNAMENT_ALREADY_ENTERED: [409, "This bot is already entered"],
  TOURNAMENT_STARTED: [409, "Entries closed when the tournament started"],
  TOURNAMENT_FULL: [409, "The tournament has no free place"],
} as const;

/** `POST /api/external-api/tournaments/{id}/entries` (bot token): a bot enters itself. */
export const tournamentEntryRoutes = new Hono<AppEnv>().post(
  "/tournaments/:id/entries",
  requireBotToken,
  route({
    id: "enterTournament",
    summary: "Enter the token's bot in a tournament",
    description:
      "At every round start the bot must hold a live lobby (checked in by presence); an absent bot forfeits that round.",
    tag: "Tournaments",
    auth: "botToken",
    params: ID_PARAM,
    body: EmptySchema,
    responses: {
      201: {
        description: "Registered",
        body: v.strictObject({
          tournament_id: v.string(),
          bot_id: v.string(),
          status: v.literal("registered"),
          entrants: v.number(),
        }),
      },
    },
    errors: {
      400: ["TOURNAMENT_NOT_FOUND"],
      403: ["TOURNAMENT_INELIGIBLE"],
      409: ["TOURNAMENT_ALREADY_ENTERED", "TOURNAMENT_STARTED", "TOURNAMENT_FULL"],
    },
  }),
  async (c) => {
    const { botId, tokenId } = c.get("bot");
    const row = await requireTournament(c.env.DB, c.req.param("id"));
    const bot = await getBot(c.env.DB, botId);
    if (!bot?.active || bot.kind !== "external_api" || bot.owner === "system") {
      throw new ApiError(403, "TOURNAMENT_INELIGIBLE", "Only active external bots may enter");
    }
    const answer = await c.env.TOURNAMENT.getByName(row.id).enter({
      bot_id: botId,
      token_id: tokenId,
      name: bot.name,
    });
    if (!answer.ok) {
      const [status, message] = ENTRY_ERRORS[answer.code];
      throw new ApiError(status, answer.code, message);
    }
    return c.json(
      {
        tournament_id: row.id,
        bot_id: botId,
        status: "registered" as const,
        entrants: answer.entrants,
      },
      201,
    );
  },
);
