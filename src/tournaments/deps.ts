/**
 * What a `Tournament` (tournament.ts) needs from the rest of botgate, as plain types: the
 * object injects them (env-deps.ts over the Worker's bindings), tests inject fakes.
 */
import type { MatchConfig } from "../match/config.ts";
import type { MatchReport } from "./scoring.ts";
import type { TournamentStatus, TournamentView } from "./view.ts";

/** What the tournament needs from the rest of the system. */
export interface TournamentDeps {
  now(): number;
  /** Which of these entrants are checked in: a live lobby and an active token. */
  present(entries: readonly { bot_id: string; token_id: string }[]): Promise<Set<string>>;
  /** Display ratings, for seeding a rated tournament. */
  ratings(botIds: readonly string[]): Promise<Map<string, number>>;
  /**
   * Dispatches tables' matches (seat 0 = `a`), each under its `key`, in one batch; answers
   * each table in order: its match id, or why it failed (that table only).
   */
  dispatch(tables: readonly TableDispatch[]): Promise<DispatchOutcome[]>;
  /** The match a dispatch under `key` created, if one did (a dispatch cut short by a restart). */
  findDispatched(key: string): Promise<string | null>;
  /** Reports of those matches that are over (the safety net behind match-end notifications). */
  finished(matchIds: readonly string[]): Promise<MatchReport[]>;
  /** Mirrors the status into the D1 directory (idempotent). */
  mirror(status: TournamentStatus, endedAt: number | null): Promise<void>;
  /** Tells operators the tournament moved on (fire and forget: a notification, not state). */
  announce(event: TournamentEvent): void;
}

/** A step operators hear of (`botgate.tournament`), with the tournament as it is then. */
export interface TournamentEvent {
  phase: "round_started" | "round_ended" | "finished";
  round: number | null;
  view: TournamentView;
}

/** One table's match as the tournament asks for it. */
export interface TableDispatch {
  key: string;
  seats: readonly [{ bot_id: string; token_id: string }, { bot_id: string; token_id: string }];
  config: MatchConfig;
}

export type DispatchOutcome = { ok: true; match_id: string } | { ok: false; error: unknown };
