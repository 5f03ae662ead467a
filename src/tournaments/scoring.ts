/**
 * How one table is scored (docs/tournaments.md "Scoring"), pure: from a finished match's
 * report, or at check-in for a bye or an absent entrant.
 */
import type { MatchOutcome } from "../match/results.ts";
import { decideMatch } from "../ratings/match-result.ts";
import { type Format, POINTS, type ScoredTable } from "./standings.ts";

/** A finished match as the tournament keeps it: its `match_end` and who sat where. */
export interface MatchReport {
  match_id: string;
  match_end: MatchOutcome["match_end"];
  seats: { seat: number; bot_id: string; net_chips: number | null }[];
}

/** A table's score. */
export type TableScore = Pick<ScoredTable, "kind" | "winner" | "points" | "net_chips">;

/** The two sides of a table. */
export interface Sides {
  a: string;
  b: string | null;
}

/**
 * A played table: the match's winner takes 1 point, a draw 0.5 each, a void match 0 each.
 * In a knockout somebody must advance, so a draw or a void match sends the better seed on.
 * A null report is a table whose match could never be dispatched: void.
 */
export function scoreReport(
  format: Format,
  sides: Sides,
  report: MatchReport | null,
  seeds: ReadonlyMap<string, number>,
): TableScore {
  const net = (id: string | null) => report?.seats.find((s) => s.bot_id === id)?.net_chips ?? 0;
  const net_chips = [net(sides.a), net(sides.b)] as const;
  const decision = report ? decideMatch(report.match_end) : ({ kind: "void" } as const);
  const fallback = format === "knockout" ? betterSeed(sides, seeds) : null;
  if (decision.kind === "win") {
    const winner = report?.seats.find((s) => s.seat === decision.winner)?.bot_id ?? null;
    if (winner === sides.a || winner === sides.b) {
      const aWins = winner === sides.a;
      return {
        kind: "played",
        winner,
        points: aWins ? [POINTS.win, POINTS.loss] : [POINTS.loss, POINTS.win],
        net_chips,
      };
    }
  }
  if (decision.kind === "draw") {
    return { kind: "draw", winner: fallback, points: [POINTS.draw, POINTS.draw], net_chips };
  }
  return { kind: "void", winner: fallback, points: [POINTS.loss, POINTS.loss], net_chips };
}

/**
 * A table settled at check-in: a bye is a win; an absent side loses by forfeit to a present
 * one; two absent sides both lose (in a knockout the better seed still advances).
 */
export function scoreCheckIn(
  format: Format,
  sides: Sides,
  present: ReadonlySet<string>,
  seeds: ReadonlyMap<string, number>,
): TableScore {
  const none = [0, 0] as const;
  if (sides.b === null) {
    return present.has(sides.a) || format !== "swiss"
      ? { kind: "bye", winner: sides.a, points: [POINTS.win, 0], net_chips: none }
      : { kind: "forfeit", winner: null, points: [POINTS.loss, 0], net_chips: none };
  }
  const [aHere, bHere] = [present.has(sides.a), present.has(sides.b)];
  if (aHere !== bHere) {
    return {
      kind: "forfeit",
      winner: aHere ? sides.a : sides.b,
      points: aHere ? [POINTS.win, POINTS.loss] : [POINTS.loss, POINTS.win],
      net_chips: none,
    };
  }
  return {
    kind: "double_forfeit",
    winner: format === "knockout" ? betterSeed(sides, seeds) : null,
    points: [POINTS.loss, POINTS.loss],
    net_chips: none,
  };
}

function betterSeed(sides: Sides, seeds: ReadonlyMap<string, number>): string {
  if (sides.b === null) return sides.a;
  const a = seeds.get(sides.a) ?? Number.MAX_SAFE_INTEGER;
  const b = seeds.get(sides.b) ?? Number.MAX_SAFE_INTEGER;
  return b < a ? sides.b : sides.a;
}
