import { Hono } from "hono";
import * as v from "valibot";
import { requireAdmin } from "../http/auth.ts";
import { readJsonBody } from "../http/body.ts";
import type { AppEnv } from "../http/context.ts";
import { ApiError } from "../http/errors.ts";
import { MatchConfigInputSchema } from "../match/config.ts";
import { dispatchMatch } from "../match/dispatch.ts";

const CreateMatchSchema = v.strictObject({
  /** The two seats' bots, seat 0 first, each by id or exact name. */
  bots: v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(100))), v.length(2)),
  config: v.optional(MatchConfigInputSchema),
});

interface MatchRow {
  id: string;
  status: string;
  source: string;
  rated: number;
  config: string;
  created_at: string;
  ended_at: string | null;
  result: string | null;
}

interface ParticipantRow {
  participant_id: string;
  seat: number;
  bot_id: string;
  name: string;
  kind: string;
  net_chips: number | null;
  hands_won: number | null;
  final_stack: number | null;
  place: number | null;
}

async function requireMatch(db: D1Database, id: string): Promise<MatchRow> {
  const row = await db
    .prepare(
      "SELECT id, status, source, rated, config, created_at, ended_at, result FROM matches WHERE id = ?",
    )
    .bind(id)
    .first<MatchRow>();
  if (!row) throw new ApiError(400, "MATCH_NOT_FOUND", "No match with that id");
  return row;
}

/** `/api/matches` (admin): create matches, read their records and hand histories. */
export const matchRoutes = new Hono<AppEnv>()
  .use(requireAdmin)
  .post("/", async (c) => {
    const body = await readJsonBody(c, CreateMatchSchema);
    const result = await dispatchMatch(c.env, {
      seats: body.bots.map((bot) => ({ bot })),
      ...(body.config ? { config: body.config } : {}),
      source: "admin",
    });
    return c.json(result, 201);
  })
  .get("/:id", async (c) => {
    const match = await requireMatch(c.env.DB, c.req.param("id"));
    const { results } = await c.env.DB.prepare(
      `SELECT p.participant_id, p.seat, p.bot_id, b.name, b.kind, p.net_chips, p.hands_won,
         p.final_stack, p.place FROM participants p JOIN bots b ON b.id = p.bot_id
       WHERE p.match_id = ? ORDER BY p.seat`,
    )
      .bind(match.id)
      .all<ParticipantRow>();
    return c.json({
      match_id: match.id,
      status: match.status,
      source: match.source,
      rated: match.rated === 1,
      config: JSON.parse(match.config) as unknown,
      created_at: match.created_at,
      ended_at: match.ended_at,
      result: match.result === null ? null : (JSON.parse(match.result) as unknown),
      participants: results,
    });
  })
  .get("/:id/hands", async (c) => {
    const match = await requireMatch(c.env.DB, c.req.param("id"));
    const hands = await c.env.MATCH.getByName(match.id).hands();
    return c.json({ match_id: match.id, hands });
  });
