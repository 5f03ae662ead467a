/**
 * The tournament as `GET /api/tournaments/{id}` shows it, as a valibot schema (the HTTP
 * answer is checked against it) with its type inferred from it.
 */
import * as v from "valibot";
import { IsoTimestamp } from "../lib/time.ts";
import { MatchConfigSchema } from "../match/config.ts";

const count = v.pipe(v.number(), v.integer());

export const TournamentStatusSchema = v.picklist([
  "scheduled",
  "running",
  "completed",
  "cancelled",
]);
export type TournamentStatus = v.InferOutput<typeof TournamentStatusSchema>;

export const StandingSchema = v.strictObject({
  rank: count,
  bot_id: v.string(),
  name: v.string(),
  seed: count,
  points: v.number(),
  played: count,
  wins: count,
  draws: count,
  losses: count,
  byes: count,
  forfeits: count,
  buchholz: v.number(),
  sonneborn_berger: v.number(),
  net_chips: count,
  eliminated_in: v.nullable(count),
});

const TableViewSchema = v.strictObject({
  table: count,
  seats: v.pipe(
    v.array(v.nullable(v.string())),
    v.description("Seat 0's bot, then seat 1's (null: a bye or an absentee)"),
  ),
  status: v.picklist(["pending", "dispatching", "playing", "done"]),
  match_id: v.nullable(v.string()),
  kind: v.nullable(v.picklist(["played", "draw", "void", "forfeit", "double_forfeit", "bye"])),
  winner: v.nullable(v.string()),
  points: v.nullable(v.array(v.number())),
});

export const TournamentViewSchema = v.pipe(
  v.strictObject({
    id: v.string(),
    name: v.string(),
    format: v.picklist(["round_robin", "swiss", "knockout"]),
    status: TournamentStatusSchema,
    cancel_reason: v.nullable(v.string()),
    rated: v.boolean(),
    starts_at: IsoTimestamp,
    created_at: IsoTimestamp,
    ended_at: v.nullable(IsoTimestamp),
    check_in_seconds: v.number(),
    max_entrants: count,
    match_config: MatchConfigSchema,
    rounds_planned: v.nullable(count),
    current_round: v.nullable(count),
    entrants: v.array(
      v.strictObject({
        bot_id: v.string(),
        name: v.string(),
        seed: count,
        entered_at: IsoTimestamp,
      }),
    ),
    rounds: v.array(
      v.strictObject({
        round: count,
        status: v.picklist(["check_in", "playing", "completed"]),
        tables: v.array(TableViewSchema),
      }),
    ),
    standings: v.array(StandingSchema),
  }),
  v.metadata({ ref: "Tournament" }),
);
export type TournamentView = v.InferOutput<typeof TournamentViewSchema>;

/** A row of `GET /api/tournaments`. */
export const TournamentSummarySchema = v.strictObject({
  id: v.string(),
  name: v.string(),
  format: v.picklist(["round_robin", "swiss", "knockout"]),
  status: TournamentStatusSchema,
  rated: v.boolean(),
  starts_at: IsoTimestamp,
  created_at: IsoTimestamp,
  ended_at: v.nullable(IsoTimestamp),
});
export type TournamentSummary = v.InferOutput<typeof TournamentSummarySchema>;
