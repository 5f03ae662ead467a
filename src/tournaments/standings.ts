/**
 * Scoring and standings (docs/tournaments.md "Scoring" and "Tie-breaks"), pure: from the
 * entrants and every scored table, the ordered standings of a round-robin, a Swiss or a
 * knockout.
 */
export type Format = "round_robin" | "swiss" | "knockout";

/** How a table was decided. */
export type TableKind =
  /** played to a winner */
  | "played"
  /** played, even chips */
  | "draw"
  /** played but nobody won (cancelled at the connection wait, crashed, all seats gone): 0–0 */
  | "void"
  /** one side absent at check-in: the other wins */
  | "forfeit"
  /** both absent: 0–0 */
  | "double_forfeit"
  /** no opponent (odd field, or a knockout seed's free pass): a win */
  | "bye";

/** Points of a win, a draw and a loss (a bye and a forfeit win are wins). */
export const POINTS = { win: 1, draw: 0.5, loss: 0 } as const;

/** A finished table. `winner` is who advances (knockout) or won (null for draws and voids). */
export interface ScoredTable {
  round: number;
  a: string;
  b: string | null;
  kind: TableKind;
  winner: string | null;
  points: readonly [number, number];
  net_chips: readonly [number, number];
}

export interface Entrant {
  bot_id: string;
  name: string;
  /** 1 = best seed. */
  seed: number;
}

export interface Standing {
  rank: number;
  bot_id: string;
  name: string;
  seed: number;
  points: number;
  played: number;
  wins: number;
  draws: number;
  losses: number;
  byes: number;
  forfeits: number;
  buchholz: number;
  sonneborn_berger: number;
  net_chips: number;
  /** Knockout: the round the entrant lost in; null while still in (or the champion). */
  eliminated_in: number | null;
}

/** The standings after `tables`, ranked by the format's rule. */
export function computeStandings(
  format: Format,
  entrants: readonly Entrant[],
  tables: readonly ScoredTable[],
): Standing[] {
  const rows = new Map<string, Omit<Standing, "rank">>(
    entrants.map((e) => [
      e.bot_id,
      {
        bot_id: e.bot_id,
        name: e.name,
        seed: e.seed,
        points: 0,
        played: 0,
        wins: 0,
        draws: 0,
        losses: 0,
        byes: 0,
        forfeits: 0,
        buchholz: 0,
        sonneborn_berger: 0,
        net_chips: 0,
        eliminated_in: null,
      },
    ]),
  );
  const opponents = new Map<string, { id: string; points: number }[]>();
  for (const table of tables) {
    const sides = table.b === null ? [table.a] : [table.a, table.b];
    sides.forEach((id, side) => {
      const row = rows.get(id);
      if (!row) return;
      const points = table.points[side] ?? 0;
      row.points += points;
      row.net_chips += table.net_chips[side] ?? 0;
      if (table.kind === "bye") row.byes += 1;
      else if (table.winner === id) row.wins += 1;
      else if (table.kind === "draw") row.draws += 1;
      else row.losses += 1;
      if ((table.kind === "forfeit" || table.kind === "double_forfeit") && table.winner !== id) {
        row.forfeits += 1;
      }
      if (table.kind === "played" || table.kind === "draw" || table.kind === "void") {
        row.played += 1;
        const other = side === 0 ? table.b : table.a;
        if (other !== null) {
          const list = opponents.get(id) ?? [];
          list.push({ id: other, points });
          opponents.set(id, list);
        }
      }
      if (format === "knockout" && table.b !== null && table.winner !== id) {
        row.eliminated_in = table.round;
      }
    });
  }
  for (const [id, list] of opponents) {
    const row = rows.get(id);
    if (!row) continue;
    for (const game of list) {
      const theirs = rows.get(game.id)?.points ?? 0;
      row.buchholz += theirs;
      row.sonneborn_berger += game.points * theirs;
    }
  }
  const order = comparator(format);
  return [...rows.values()].sort(order).map((row, i) => ({ rank: i + 1, ...row }));
}

type Row = Omit<Standing, "rank">;

/**
 * Swiss: points, Buchholz, Sonneborn-Berger, wins, net chips, seed. Round-robin: the same
 * without Buchholz (everyone meets everyone, so it says nothing). Knockout: the round
 * reached (the champion first), then seed.
 */
function comparator(format: Format): (a: Row, b: Row) => number {
  if (format === "knockout") {
    const reached = (row: Row) => row.eliminated_in ?? Number.POSITIVE_INFINITY;
    return (a, b) => reached(b) - reached(a) || a.seed - b.seed;
  }
  const keys: ((row: Row) => number)[] =
    format === "swiss"
      ? [
          (r) => r.points,
          (r) => r.buchholz,
          (r) => r.sonneborn_berger,
          (r) => r.wins,
          (r) => r.net_chips,
        ]
      : [(r) => r.points, (r) => r.sonneborn_berger, (r) => r.wins, (r) => r.net_chips];
  return (a, b) => {
    for (const key of keys) {
      const diff = key(b) - key(a);
      if (diff !== 0) return diff;
    }
    return a.seed - b.seed;
  };
}
