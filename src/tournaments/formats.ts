/// <reference path="./edmonds-blossom-fixed.d.ts" />
/**
 * Pairing rules of the three formats (docs/tournaments.md "Formats"), pure: round-robin by
 * the circle method (Berger tables), Swiss by maximum-weight matching (Edmonds' blossom
 * algorithm from `edmonds-blossom-fixed`), and a seeded single-elimination bracket.
 */
import blossom from "edmonds-blossom-fixed";

/** One table of a round: seat 0 first; `null` opposite is a bye. */
export type Table = readonly [string, string | null];

/**
 * Every round of a round-robin among `ids` (in seed order): n - 1 rounds for an even field,
 * n for an odd one (each entrant sits out one round with a bye). Seat order alternates
 * for the fixed entrant so nobody is always seat 0.
 */
export function roundRobinRounds(ids: readonly string[]): Table[][] {
  const ring: (string | null)[] = ids.length % 2 === 0 ? [...ids] : [...ids, null];
  const n = ring.length;
  const rounds: Table[][] = [];
  for (let round = 0; round < n - 1; round++) {
    const tables: Table[] = [];
    for (let i = 0; i < n / 2; i++) {
      let a = ring[i] ?? null;
      let b = ring[n - 1 - i] ?? null;
      if (i === 0 && round % 2 === 1) [a, b] = [b, a];
      if (a === null && b === null) continue;
      tables.push(a === null ? [b as string, null] : [a, b]);
    }
    // Byes last, so table numbers of real matches are dense from 1.
    tables.sort((x, y) => Number(x[1] === null) - Number(y[1] === null));
    rounds.push(tables);
    // Circle method: the first entrant stays, everyone else turns one place.
    const moved = ring.pop() ?? null;
    ring.splice(1, 0, moved);
  }
  return rounds;
}

/** A Swiss entrant as the pairing sees it, in standings order (best first). */
export interface SwissEntrant {
  id: string;
  points: number;
  hadBye: boolean;
}

/** Pair weights: being paired at all dominates, then equal points, then closeness in the standings. */
const PAIRED = 1e12;
const POINTS_GAP = 1e6;

/**
 * One Swiss round. The bye (odd field) goes to the lowest-ranked entrant who has not had
 * one. The others are paired by a maximum-cardinality, maximum-weight matching: entrants
 * who met before are paired again only if no pairing without a rematch exists; among the
 * rest, pairs of equal points are preferred (the squared point gap is penalised), then
 * neighbours in the standings. The better-ranked entrant takes seat 0.
 */
export function swissRound(entrants: readonly SwissEntrant[], met: ReadonlySet<string>): Table[] {
  const field = [...entrants];
  let bye: SwissEntrant | null = null;
  if (field.length % 2 === 1) {
    const index = lastIndex(field, (e) => !e.hadBye);
    bye = field.splice(index === -1 ? field.length - 1 : index, 1)[0] ?? null;
  }
  const edges: Array<[number, number, number]> = [];
  for (let i = 0; i < field.length; i++) {
    for (let j = i + 1; j < field.length; j++) {
      const a = field[i] as SwissEntrant;
      const b = field[j] as SwissEntrant;
      if (met.has(pairKey(a.id, b.id))) {
        edges.push([i, j, 1]);
        continue;
      }
      const gap = Math.round(2 * Math.abs(a.points - b.points));
      edges.push([i, j, PAIRED - POINTS_GAP * gap * gap - (j - i)]);
    }
  }
  const mate = field.length >= 2 ? blossom(edges, true) : [];
  const tables: Table[] = [];
  for (let i = 0; i < field.length; i++) {
    const j = mate[i] ?? -1;
    if (j > i) tables.push([(field[i] as SwissEntrant).id, (field[j] as SwissEntrant).id]);
  }
  if (bye) tables.push([bye.id, null]);
  return tables;
}

/** The order-free key of a pairing, for "have these two met?". */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

function lastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i] as T)) return i;
  return -1;
}

/** Rounds of a single-elimination bracket for `n` entrants. */
export function knockoutRoundCount(n: number): number {
  return Math.max(1, Math.ceil(Math.log2(n)));
}

/**
 * The first round of a seeded bracket (`ids` in seed order): the field is padded to a power
 * of two with byes, and seeds are placed so that 1 and 2 can meet only in the final
 * (1 v 8, 4 v 5, 2 v 7, 3 v 6 for eight); the top seeds get the byes.
 */
export function knockoutFirstRound(ids: readonly string[]): Table[] {
  const size = 2 ** knockoutRoundCount(ids.length);
  let order = [1];
  while (order.length < size) {
    const next = order.length * 2 + 1;
    order = order.flatMap((seed) => [seed, next - seed]);
  }
  const tables: Table[] = [];
  for (let i = 0; i < order.length; i += 2) {
    const a = ids[(order[i] as number) - 1] ?? null;
    const b = ids[(order[i + 1] as number) - 1] ?? null;
    if (a !== null) tables.push([a, b]);
    else if (b !== null) tables.push([b, null]);
  }
  return tables;
}

/** The next knockout round: the winners of tables 1 and 2 meet, then 3 and 4, and so on. */
export function knockoutNextRound(winners: readonly string[]): Table[] {
  const tables: Table[] = [];
  for (let i = 0; i < winners.length; i += 2) {
    tables.push([winners[i] as string, winners[i + 1] ?? null]);
  }
  return tables;
}
