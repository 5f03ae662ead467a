/**
 * The tournament of a chaos run: four SDK bots of their own play a 2-round Swiss through
 * the same fault proxy while the faults (and one eviction of the tournament object) hit.
 * The check is pure: the tournament completed, the registry holds exactly one match per
 * table (none dispatched twice, none lost), and the standings are what the stored matches
 * give.
 */
import { type MatchRecord, short, Tally, type Verdict } from "./invariants.ts";

/** `GET /api/tournaments/{id}` (the fields the check reads). */
export interface TournamentRecord {
  id: string;
  status: string;
  rounds: {
    round: number;
    tables: {
      table: number;
      seats: (string | null)[];
      match_id: string | null;
      kind: string | null;
      winner: string | null;
    }[];
  }[];
  standings: { bot_id: string; points: number }[];
}

export interface TournamentEvidence {
  tournament: TournamentRecord | null;
  /** Every registry match of the tournament's bots whose source names the tournament. */
  sources: Map<string, string>;
  records: Map<string, MatchRecord | null>;
}

/** The stored match's winner by the documented rule, "draw", or null (void). */
function winnerOf(record: MatchRecord): string | null {
  const result = record.result;
  if (result?.reason !== "complete" || result.terminal_status !== "completed") return null;
  const at = (seat: number) => record.participants.find((p) => p.seat === seat);
  const forfeit = result.forfeit_winner_seat;
  if (typeof forfeit === "number") return at(forfeit)?.bot_id ?? null;
  const [s0, s1] = [at(0)?.final_stack ?? 0, at(1)?.final_stack ?? 0];
  if (s0 === s1) return "draw";
  return (s0 > s1 ? at(0) : at(1))?.bot_id ?? null;
}

export function checkTournament(evidence: TournamentEvidence): Verdict {
  const t = new Tally();
  t.declare("tournament tables", "tables played", "tables settled at check-in", "void tables");
  const tournament = evidence.tournament;
  if (!tournament) {
    t.fail("the tournament could not be read back");
    return t.verdict("the tournament finished with one match per table and exact standings");
  }
  if (tournament.status !== "completed") t.fail(`tournament ${tournament.status} after the drain`);
  const points = new Map(tournament.standings.map((s) => [s.bot_id, 0]));
  const give = (id: string | null | undefined, n: number) => {
    if (id) points.set(id, (points.get(id) ?? 0) + n);
  };
  const tableMatches = new Set<string>();
  for (const round of tournament.rounds) {
    for (const table of round.tables) {
      t.add("tournament tables");
      const [a, b] = table.seats;
      if (table.match_id === null) {
        t.add("tables settled at check-in");
        if (table.kind === "bye") give(a, 1);
        else if (table.kind === "forfeit") give(table.winner, 1);
        continue;
      }
      tableMatches.add(table.match_id);
      const source = evidence.sources.get(table.match_id);
      const key = `tournament:${tournament.id}:${round.round}:${table.table}`;
      if (source !== key) t.fail(`${short(table.match_id)}: source ${String(source)}, not ${key}`);
      const record = evidence.records.get(table.match_id);
      if (!record) {
        t.fail(
          `round ${round.round} table ${table.table}: match ${short(table.match_id)} not stored`,
        );
        continue;
      }
      t.add("tables played");
      const winner = winnerOf(record);
      if (winner === null) t.add("void tables");
      else if (winner === "draw") {
        give(a, 0.5);
        give(b, 0.5);
      } else give(winner, 1);
    }
  }
  for (const [matchId, source] of evidence.sources) {
    if (!tableMatches.has(matchId))
      t.fail(`${short(matchId)} (${source}) is on no table: dispatched twice`);
  }
  for (const row of tournament.standings) {
    if (row.points !== points.get(row.bot_id)) {
      t.fail(
        `${short(row.bot_id)}: ${row.points} points, the stored matches give ${points.get(row.bot_id)}`,
      );
    }
  }
  return t.verdict("the tournament finished with one match per table and exact standings");
}
