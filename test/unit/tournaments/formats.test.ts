// Proves the pairing rules: round-robin (everyone meets everyone once, one bye per round for
// odd fields), Swiss (no rematch while one can be avoided, equal points first, the bye to
// the lowest-ranked entrant without one) and the seeded knockout bracket.
import { describe, expect, it } from "vitest";
import {
  knockoutFirstRound,
  knockoutNextRound,
  knockoutRoundCount,
  pairKey,
  roundRobinRounds,
  type SwissEntrant,
  swissRound,
} from "../../../src/tournaments/formats.ts";

const ids = (n: number) => Array.from({ length: n }, (_, i) => `b${i + 1}`);

describe("round-robin", () => {
  for (const n of [2, 3, 4, 7, 8, 64]) {
    it(`pairs every two of ${n} entrants exactly once, each entrant once per round`, () => {
      const rounds = roundRobinRounds(ids(n));
      expect(rounds).toHaveLength(n % 2 === 0 ? n - 1 : n);
      const met = new Map<string, number>();
      for (const round of rounds) {
        const seen = round.flatMap(([a, b]) => (b === null ? [a] : [a, b]));
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen).toHaveLength(n);
        for (const [a, b] of round)
          if (b !== null) met.set(pairKey(a, b), (met.get(pairKey(a, b)) ?? 0) + 1);
        expect(round.filter(([, b]) => b === null)).toHaveLength(n % 2);
      }
      expect(met.size).toBe((n * (n - 1)) / 2);
      expect([...met.values()].every((count) => count === 1)).toBe(true);
    });
  }

  it("gives the fixed entrant both seats over the rounds", () => {
    const seats = roundRobinRounds(ids(6)).map((round) => round.find((t) => t.includes("b1")));
    expect(seats.some((t) => t?.[0] === "b1")).toBe(true);
    expect(seats.some((t) => t?.[1] === "b1")).toBe(true);
  });
});

describe("swiss", () => {
  const field = (points: number[], byes: string[] = []): SwissEntrant[] =>
    points.map((p, i) => ({ id: `b${i + 1}`, points: p, hadBye: byes.includes(`b${i + 1}`) }));

  it("pairs neighbours of equal points in round 1", () => {
    expect(swissRound(field([0, 0, 0, 0]), new Set())).toEqual([
      ["b1", "b2"],
      ["b3", "b4"],
    ]);
  });

  it("avoids a rematch when another pairing exists", () => {
    const met = new Set([pairKey("b1", "b2"), pairKey("b3", "b4")]);
    const tables = swissRound(field([1, 1, 0, 0]), met);
    expect(tables).toHaveLength(2);
    for (const [a, b] of tables) expect(met.has(pairKey(a, b as string))).toBe(false);
  });

  it("prefers equal points over neighbours", () => {
    // b1 and b3 have 2 points, b2 and b4 have 1; b1–b2 and b3–b4 met already.
    const entrants: SwissEntrant[] = [
      { id: "b1", points: 2, hadBye: false },
      { id: "b3", points: 2, hadBye: false },
      { id: "b2", points: 1, hadBye: false },
      { id: "b4", points: 1, hadBye: false },
    ];
    const tables = swissRound(entrants, new Set([pairKey("b1", "b2"), pairKey("b3", "b4")]));
    expect(tables).toEqual([
      ["b1", "b3"],
      ["b2", "b4"],
    ]);
  });

  it("rematches only when no pairing without one exists", () => {
    const tables = swissRound(field([1, 0]), new Set([pairKey("b1", "b2")]));
    expect(tables).toEqual([["b1", "b2"]]);
  });

  it("gives the bye to the lowest-ranked entrant without one", () => {
    const tables = swissRound(field([2, 1, 1, 0, 0], ["b5"]), new Set());
    expect(tables.find(([, b]) => b === null)).toEqual(["b4", null]);
    expect(tables).toHaveLength(3);
  });

  it("pairs eight entrants for three rounds without a rematch", () => {
    const met = new Set<string>();
    const points = new Map(ids(8).map((id) => [id, 0]));
    for (let round = 0; round < 3; round++) {
      const ranked = [...points]
        .sort((a, b) => b[1] - a[1])
        .map(([id, p]) => ({ id, points: p, hadBye: false }));
      const tables = swissRound(ranked, met);
      expect(tables).toHaveLength(4);
      for (const [a, b] of tables) {
        expect(met.has(pairKey(a, b as string))).toBe(false);
        met.add(pairKey(a, b as string));
        points.set(a, (points.get(a) ?? 0) + 1);
      }
    }
  });
});

describe("knockout", () => {
  it("seeds eight as 1v8, 4v5, 2v7, 3v6", () => {
    expect(knockoutFirstRound(ids(8))).toEqual([
      ["b1", "b8"],
      ["b4", "b5"],
      ["b2", "b7"],
      ["b3", "b6"],
    ]);
  });

  it("gives the top seeds the byes of a field that is not a power of two", () => {
    const tables = knockoutFirstRound(ids(6));
    expect(tables.filter(([, b]) => b === null).map(([a]) => a)).toEqual(["b1", "b2"]);
    expect(knockoutRoundCount(6)).toBe(3);
  });

  it("meets the winners of neighbouring tables", () => {
    expect(knockoutNextRound(["b1", "b4", "b2", "b3"])).toEqual([
      ["b1", "b4"],
      ["b2", "b3"],
    ]);
    expect(knockoutRoundCount(2)).toBe(1);
  });
});
