/**
 * What `POST /api/tournaments` accepts (docs/tournaments.md "Creating"), with the limits
 * that make an absurd tournament a 400 before anything is created.
 */
import * as v from "valibot";
import { type MatchConfig, MatchConfigInputSchema, resolveMatchConfig } from "../match/config.ts";
import type { Format } from "./standings.ts";

/** Bounds of a tournament (each one a documented 400 INVALID_BODY / INVALID_TOURNAMENT). */
export const TOURNAMENT_LIMITS = {
  maxEntrants: 256,
  maxSwissRounds: 20,
  minCheckInSeconds: 1,
  maxCheckInSeconds: 3600,
  /** How far ahead a start may be scheduled. */
  maxStartAheadMs: 30 * 24 * 3600_000,
  /** How far in the past a start may be (clock skew): later starts at once. */
  maxStartBehindMs: 60_000,
} as const;

const int = (min: number, max: number) =>
  v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

export const CreateTournamentSchema = v.strictObject({
  name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100)),
  format: v.picklist(["round_robin", "swiss", "knockout"]),
  /** Swiss only (required there): how many rounds. */
  rounds: v.optional(int(1, TOURNAMENT_LIMITS.maxSwissRounds)),
  /** The config of every match (docs/match.md); `rated` is the tournament's, not set here. */
  match_config: v.optional(MatchConfigInputSchema),
  /** ISO 8601 start time; absent = now. Entries close at the start. */
  starts_at: v.optional(v.pipe(v.string(), v.isoTimestamp())),
  /** How long each round waits for absent entrants' lobbies before they forfeit. */
  check_in_seconds: v.optional(
    int(TOURNAMENT_LIMITS.minCheckInSeconds, TOURNAMENT_LIMITS.maxCheckInSeconds),
  ),
  max_entrants: v.optional(int(2, TOURNAMENT_LIMITS.maxEntrants)),
  rated: v.optional(v.boolean()),
});
export type CreateTournament = v.InferOutput<typeof CreateTournamentSchema>;

/** A tournament as its object stores it. */
export interface TournamentSpec {
  id: string;
  name: string;
  format: Format;
  /** Swiss: the rounds asked for (fewer if the field is too small); others: computed at start. */
  swiss_rounds: number | null;
  match_config: MatchConfig;
  rated: boolean;
  starts_at: number;
  check_in_ms: number;
  max_entrants: number;
  created_at: number;
}

export const DEFAULT_CHECK_IN_SECONDS = 60;
export const DEFAULT_MAX_ENTRANTS = 64;

/** Checks what the schema cannot, then fills defaults; a string is the 400's message. */
export function resolveTournament(
  input: CreateTournament,
  id: string,
  now: number,
): TournamentSpec | string {
  if (input.format === "swiss" && input.rounds === undefined) {
    return "rounds: a swiss tournament needs its number of rounds";
  }
  if (input.format !== "swiss" && input.rounds !== undefined) {
    return `rounds: only swiss takes a number of rounds (${input.format} computes its own)`;
  }
  if (input.match_config?.rated !== undefined) {
    return "match_config.rated: set rated on the tournament";
  }
  const config = resolveMatchConfig({ ...input.match_config, rated: input.rated ?? false });
  if (typeof config === "string") return `match_config: ${config}`;
  const startsAt = input.starts_at === undefined ? now : Date.parse(input.starts_at);
  if (!Number.isFinite(startsAt)) return "starts_at: not a valid time";
  if (startsAt < now - TOURNAMENT_LIMITS.maxStartBehindMs) return "starts_at: in the past";
  if (startsAt > now + TOURNAMENT_LIMITS.maxStartAheadMs) {
    return "starts_at: more than 30 days ahead";
  }
  return {
    id,
    name: input.name,
    format: input.format,
    swiss_rounds: input.rounds ?? null,
    match_config: config,
    rated: input.rated ?? false,
    starts_at: Math.max(startsAt, now),
    check_in_ms: (input.check_in_seconds ?? DEFAULT_CHECK_IN_SECONDS) * 1000,
    max_entrants: input.max_entrants ?? DEFAULT_MAX_ENTRANTS,
    created_at: now,
  };
}
