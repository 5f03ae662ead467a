import { Hono } from "hono";
import * as v from "valibot";
import { requireAdmin, requireBotToken } from "../http/auth";
import { EmptySchema, readJsonBody, validationError } from "../http/body";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { describeError, log } from "../lib/log";
import { isoNow } from "../lib/time";
import { getBot } from "../registry/bots";
import { CreateTournamentSchema, resolveTournament } from "../tournaments/config";
import type { TournamentView } from "../tournaments/tournament";

/** Tournament ids are `crypto.randomUUID()` values; anything else is never a tournament. */
const TOURNAMENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const ListQuerySchema = v.strictObject({
  status: v.optional(v.picklist(["scheduled", "running", "completed", "cancelled"])),
  limit: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(100)),
  ),
  offset: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,6}$/), v.transform(Number), v.maxValue(100_000)),
  ),
});

interface TournamentRow {
  id: string;
  name: string;
  format: string;
  status: string;
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

/**
 * `/api/tournaments`: admins create, start early and cancel; anyone reads the list and a
 * tournament's rounds and standings (as public as the leaderboard).
 */
export const tournamentRoutes = new Hono<AppEnv>()
  .post("/", requireAdmin, async (c) => {
    const body = await readJsonBody(c, CreateTournamentSchema);
    const id = crypto.randomUUID();
    const spec = resolveTournament(body, id, Date.now());
    if (typeof spec === "string") throw new ApiError(400, "INVALID_TOURNAMENT", spec);
    // The object first, then its directory row: a create cut short in between leaves an
    // object nobody can find (it cancels itself at its start for want of entrants), never a
    // listed tournament without an object.
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
  })
  .get("/", async (c) => {
    const query = v.safeParse(ListQuerySchema, c.req.query());
    if (!query.success) throw validationError(query.issues);
    const limit = query.output.limit ?? 20;
    const offset = query.output.offset ?? 0;
    const status = query.output.status ?? null;
    const { results } = await c.env.DB.prepare(
      `SELECT id, name, format, status, rated, starts_at, created_at, ended_at FROM tournaments
       WHERE ?1 IS NULL OR status = ?1 ORDER BY created_at DESC, id LIMIT ?2 OFFSET ?3`,
    )
      .bind(status, limit, offset)
      .all<TournamentRow>();
    return c.json({
      tournaments: results.map((row) => ({ ...row, rated: row.rated === 1 })),
      limit,
      offset,
      next_offset: results.length === limit ? offset + limit : null,
    });
  })
  .get("/:id", async (c) => {
    const row = await requireTournament(c.env.DB, c.req.param("id"));
    return c.json(await viewOf(c.env, row.id));
  })
  .post("/:id/start", requireAdmin, async (c) => {
    await readJsonBody(c, EmptySchema);
    const row = await requireTournament(c.env.DB, c.req.param("id"));
    if (!(await c.env.TOURNAMENT.getByName(row.id).start())) {
      throw new ApiError(409, "TOURNAMENT_STARTED", "The tournament has already started or ended");
    }
    return c.json(await viewOf(c.env, row.id));
  })
  .post("/:id/cancel", requireAdmin, async (c) => {
    await readJsonBody(c, EmptySchema);
    const row = await requireTournament(c.env.DB, c.req.param("id"));
    if (!(await c.env.TOURNAMENT.getByName(row.id).cancel())) {
      throw new ApiError(409, "TOURNAMENT_FINISHED", "The tournament is already over");
    }
    return c.json(await viewOf(c.env, row.id));
  });

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
  async (c) => {
    const { botId, tokenId } = c.get("bot");
    await readJsonBody(c, EmptySchema);
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
      { tournament_id: row.id, bot_id: botId, status: "registered", entrants: answer.entrants },
      201,
    );
  },
);
