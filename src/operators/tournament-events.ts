/**
 * `botgate.tournament` events — a round started (its tables dispatched, byes and forfeits
 * scored), a round ended (with the standings), the tournament finished (completed or
 * cancelled, with the final standings) — and the camelCase shapes that the events and the
 * `botgate.tournaments.*` methods share. Reported from the tournament's object as it moves on.
 */
import type { TournamentEvent } from "../tournaments/deps.ts";
import type { TournamentSummary, TournamentView } from "../tournaments/view.ts";
import { type HubEnv, reportEvent } from "./hub-reporter.ts";

export function summaryOf(t: TournamentSummary | TournamentView) {
  return {
    tournamentId: t.id,
    name: t.name,
    format: t.format,
    status: t.status,
    rated: t.rated,
    startsAt: t.starts_at,
    createdAt: t.created_at,
    endedAt: t.ended_at,
  };
}

export function standingsOf(view: TournamentView) {
  return view.standings.map((s) => ({
    rank: s.rank,
    botId: s.bot_id,
    name: s.name,
    seed: s.seed,
    points: s.points,
    played: s.played,
    wins: s.wins,
    draws: s.draws,
    losses: s.losses,
    byes: s.byes,
    forfeits: s.forfeits,
    buchholz: s.buchholz,
    sonnebornBerger: s.sonneborn_berger,
    netChips: s.net_chips,
    eliminatedIn: s.eliminated_in,
  }));
}

export function roundsOf(view: TournamentView) {
  return view.rounds.map((r) => ({
    round: r.round,
    status: r.status,
    tables: r.tables.map((t) => ({
      table: t.table,
      seats: t.seats,
      status: t.status,
      matchId: t.match_id,
      kind: t.kind,
      winner: t.winner,
      points: t.points,
    })),
  }));
}

/** The whole tournament as `botgate.tournaments.get` answers it. */
export function tournamentOf(view: TournamentView) {
  return {
    ...summaryOf(view),
    cancelReason: view.cancel_reason,
    roundsPlanned: view.rounds_planned,
    currentRound: view.current_round,
    entrants: view.entrants.map((e) => ({
      botId: e.bot_id,
      name: e.name,
      seed: e.seed,
      enteredAt: e.entered_at,
    })),
    rounds: roundsOf(view),
    standings: standingsOf(view),
  };
}

export function reportTournament(env: HubEnv, { phase, round, view }: TournamentEvent): void {
  const common = {
    phase,
    tournamentId: view.id,
    name: view.name,
    format: view.format,
    status: view.status,
    round,
    roundsPlanned: view.rounds_planned,
  };
  const payload =
    phase === "round_started"
      ? { ...common, tables: roundsOf(view).find((r) => r.round === round)?.tables ?? [] }
      : phase === "round_ended"
        ? { ...common, standings: standingsOf(view) }
        : { ...common, cancelReason: view.cancel_reason, standings: standingsOf(view) };
  reportEvent(env, { event: "botgate.tournament", payload: { ...payload, ts: Date.now() } });
}
