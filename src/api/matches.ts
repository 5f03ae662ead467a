import { Hono } from "hono";
import * as v from "valibot";
import { requireAdmin, requireOperator } from "../http/auth.ts";
import type { AppEnv } from "../http/context.ts";
import { ApiError } from "../http/errors.ts";
import { route } from "../http/openapi.ts";
import { IsoTimestamp } from "../lib/time.ts";
import { MatchConfigInputSchema, MatchConfigSchema } from "../match/config.ts";
import { DISPATCH_ERRORS, dispatchMatch } from "../match/dispatch.ts";
import { DispatchResultSchema } from "../match/dispatched.ts";
import { HandRecordSchema } from "../match/hand-history.ts";
import { BotKindSchema } from "../registry/bots.ts";

const CreateMatchSchema = v.strictObject({
  /** The two seats' bots, seat 0 first, each by id or exact name. */
  bots: v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(100))), v.length(2)),
  config: v.optional(MatchConfigInputSchema),
});

const ParticipantSchema = v.strictObject({
  participant_id: v.string(),
  seat: v.number(),
  bot_id: v.string(),
  name: v.string(),
  kind: BotKindSchema,
  net_chips: v.nullable(v.number()),
  hands_won: v.nullable(v.number()),
  final_stack: v.nullable(v.number()),
  place: v.nullable(v.number()),
});
type ParticipantRow = v.InferOutput<typeof ParticipantSchema>;

const MatchRecordSchema = v.strictObject({
  match_id: v.string(),
  status: v.picklist(["dispatching", "live", "completed", "cancelled", "error"]),
  /** Who started it: `admin`, `challenge` or `matchmaking`. */
  source: v.string(),
  rated: v.boolean(),
  config: MatchConfigSchema,
  created_at: IsoTimestamp,
  ended_at: v.nullable(IsoTimestamp),
  /**
   * `null` until the match ends; then the `match_end` payload every connected seat received
   * (bot protocol §5.4.7, without the envelope's `seq`/`server_ts`).
   */
  result: v.nullable(
    v.looseObject({
      type: v.literal("match_end"),
      match_id: v.string(),
      reason: v.picklist(["complete", "cancelled", "error"]),
    }),
  ),
  participants: v.array(ParticipantSchema),
});

const MATCH_ID_PARAM = { description: "The match's id (a UUID)" };

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

/**
 * `/api/matches`: the admin creates matches; the admin or an operator token with
 * `operator.read` reads their records and hand histories (every path under the prefix needs
 * one of the two).
 */
export const matchRoutes = new Hono<AppEnv>()
  .use(requireOperator("operator.read"))
  .post(
    "/",
    requireAdmin,
    route({
      id: "createMatch",
      summary: "Create a match between two bots",
      description:
        "Seats are given in order, each by bot id or exact name. External seats get a `gateway_ws_url` path and a lobby `matched` notice; house seats are played by the match object.",
      tag: "Matches",
      auth: "admin",
      body: CreateMatchSchema,
      responses: { 201: { description: "The dispatched match", body: DispatchResultSchema } },
      errors: DISPATCH_ERRORS,
    }),
    async (c) => {
      const body = c.req.valid("json");
      const result = await dispatchMatch(c.env, {
        seats: body.bots.map((bot) => ({ bot })),
        ...(body.config ? { config: body.config } : {}),
        source: "admin",
      });
      return c.json(result, 201);
    },
  )
  .get(
    "/:id",
    route({
      id: "getMatch",
      summary: "Read a match: status, config, participants, result",
      tag: "Matches",
      auth: ["admin", "operatorToken"],
      params: { id: MATCH_ID_PARAM },
      responses: { 200: { description: "The match record", body: MatchRecordSchema } },
      errors: { 400: ["MATCH_NOT_FOUND"] },
    }),
    async (c) => {
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
    },
  )
  .get(
    "/:id/hands",
    route({
      id: "listMatchHands",
      summary: "A match's hand histories",
      description: "Completed hands only, read from the match object.",
      tag: "Matches",
      auth: ["admin", "operatorToken"],
      params: { id: MATCH_ID_PARAM },
      responses: {
        200: {
          description: "The completed hands, in order",
          body: v.strictObject({ match_id: v.string(), hands: v.array(HandRecordSchema) }),
        },
      },
      errors: { 400: ["MATCH_NOT_FOUND"] },
    }),
    async (c) => {
      const match = await requireMatch(c.env.DB, c.req.param("id"));
      const hands = await c.env.MATCH.getByName(match.id).hands();
      return c.json({ match_id: match.id, hands });
    },
  );
