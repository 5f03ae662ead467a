/**
 * A round's tables at the end of its check-in (docs/tournaments.md "Formats" and
 * "Check-in"), pure: who still takes part, the fixed schedules of round-robin and knockout,
 * Swiss among the present, and the tables settled without a match (byes and forfeits).
 */
import {
  knockoutFirstRound,
  knockoutNextRound,
  pairKey,
  roundRobinRounds,
  swissRound,
  type Table,
} from "./formats.ts";
import { scoreCheckIn, type TableScore } from "./scoring.ts";
import type { Format, ScoredTable, Standing } from "./standings.ts";

/** A table of the round, with its score when it was settled at check-in. */
export interface PairedTable {
  table: Table;
  score: TableScore | null;
}

/** The winners of a knockout round: who takes part in the next one. */
export function knockoutSurvivors(previous: readonly { winner: string | null }[]): string[] {
  return previous.map((t) => t.winner).filter((id): id is string => id !== null);
}

/**
 * The fixed schedules: round `round` of the round-robin over the seed order, or of the
 * knockout (seeded in round 1, then the survivors `active` in order).
 */
export function fixedTables(
  format: Exclude<Format, "swiss">,
  round: number,
  order: readonly string[],
  active: readonly string[],
): Table[] {
  if (format === "round_robin") return roundRobinRounds(order)[round - 1] ?? [];
  return round === 1 ? knockoutFirstRound(order) : knockoutNextRound(active);
}

/**
 * A Swiss round among the present, in standings order, never a pairing twice and a bye at
 * most once each where it can be; each absentee sits alone (a forfeit loss).
 */
export function swissTables(
  standings: readonly Standing[],
  played: readonly ScoredTable[],
  present: ReadonlySet<string>,
): Table[] {
  const met = new Set(played.flatMap((t) => (t.b === null ? [] : [pairKey(t.a, t.b)])));
  const byes = new Set(played.filter((t) => t.kind === "bye").map((t) => t.a));
  return [
    ...swissRound(
      standings
        .filter((s) => present.has(s.bot_id))
        .map((s) => ({ id: s.bot_id, points: s.points, hadBye: byes.has(s.bot_id) })),
      met,
    ),
    ...standings.filter((s) => !present.has(s.bot_id)).map((s): Table => [s.bot_id, null]),
  ];
}

/** Scores the tables that need no match (a bye or an absent side); the rest are to play. */
export function settleAtCheckIn(
  format: Format,
  tables: readonly Table[],
  present: ReadonlySet<string>,
  seeds: ReadonlyMap<string, number>,
): PairedTable[] {
  return tables.map((table) => {
    const [a, b] = table;
    const playable = b !== null && present.has(a) && present.has(b);
    return { table, score: playable ? null : scoreCheckIn(format, { a, b }, present, seeds) };
  });
}
