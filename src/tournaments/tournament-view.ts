/**
 * The view of one tournament (`GET /api/tournaments/{id}`, the operator methods and events)
 * built from its object's storage; the schema it satisfies is view.ts.
 */
import type { Standing } from "./standings.ts";
import type { TournamentStore } from "./store.ts";
import type { TournamentView } from "./view.ts";

/** The view of a created tournament from its store, with `standings` computed by the caller. */
export function tournamentView(store: TournamentStore, standings: Standing[]): TournamentView {
  const spec = store.spec();
  if (!spec) throw new Error("tournament not created");
  const status = store.status();
  const current = status === "scheduled" ? null : store.round();
  const rounds: TournamentView["rounds"] = [];
  for (let round = 1; current !== null && round <= current; round++) {
    const tables = store.tables(round);
    const done = tables.length > 0 && tables.every((t) => t.status === "done");
    rounds.push({
      round,
      status: tables.length === 0 ? "check_in" : done ? "completed" : "playing",
      tables: tables.map((t) => ({
        table: t.table_no,
        seats: [t.a, t.b],
        status: t.status,
        match_id: t.match_id,
        kind: t.kind,
        winner: t.winner,
        points: t.status === "done" ? [t.points_a ?? 0, t.points_b ?? 0] : null,
      })),
    });
  }
  const endedAt = store.endedAt();
  return {
    id: spec.id,
    name: spec.name,
    format: spec.format,
    status,
    cancel_reason: store.cancelReason(),
    rated: spec.rated,
    starts_at: new Date(spec.starts_at).toISOString(),
    created_at: new Date(spec.created_at).toISOString(),
    ended_at: endedAt === null ? null : new Date(endedAt).toISOString(),
    check_in_seconds: spec.check_in_ms / 1000,
    max_entrants: spec.max_entrants,
    match_config: spec.match_config,
    rounds_planned: status === "scheduled" ? null : store.roundsPlanned(),
    current_round: current,
    entrants: store.entries().map((e) => ({
      bot_id: e.bot_id,
      name: e.name,
      seed: e.seed ?? 0,
      entered_at: new Date(e.entered_at).toISOString(),
    })),
    rounds,
    standings: status === "scheduled" ? [] : standings,
  };
}
