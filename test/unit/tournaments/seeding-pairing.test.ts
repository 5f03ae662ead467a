// Proves the start and check-in rules the tournament state machine applies: the seed order
// (rating, then entry time, then id), the rounds each format plans, the stored seeds, and a
// round's tables (fixed schedules, Swiss among the present, byes and forfeits settled).
import { describe, expect, it } from "vitest";
import { knockoutFirstRound, roundRobinRounds } from "../../../src/tournaments/formats.ts";
import {
  fixedTables,
  knockoutSurvivors,
  settleAtCheckIn,
  swissTables,
} from "../../../src/tournaments/pairing.ts";
import { plannedRounds, seedMap, seedOrder } from "../../../src/tournaments/seeding.ts";
import type { ScoredTable, Standing } from "../../../src/tournaments/standings.ts";

describe("seeding", () => {
  it("orders by rating, then the earlier entry, then the bot id", () => {
    const entries = [
      { bot_id: "d", entered_at: 1 },
      { bot_id: "c", entered_at: 5 },
      { bot_id: "b", entered_at: 5 },
      { bot_id: "a", entered_at: 9 },
    ];
    const ratings = new Map([["a", 30]]);
    expect(seedOrder(entries, ratings).map((e) => e.bot_id)).toEqual(["a", "d", "b", "c"]);
    expect(entries.map((e) => e.bot_id)).toEqual(["d", "c", "b", "a"]);
  });

  it("plans every pairing once in a round-robin, log2 rounds in a knockout, ≤ n-1 Swiss", () => {
    expect(plannedRounds("round_robin", 4, null)).toBe(3);
    expect(plannedRounds("round_robin", 5, null)).toBe(5);
    expect(plannedRounds("knockout", 5, null)).toBe(3);
    expect(plannedRounds("knockout", 8, null)).toBe(3);
    expect(plannedRounds("swiss", 8, 4)).toBe(4);
    expect(plannedRounds("swiss", 3, 4)).toBe(2);
    expect(plannedRounds("swiss", 8, null)).toBe(1);
  });

  it("maps seeded entries to their seed in seed order, leaving out unseeded ones", () => {
    const seeds = seedMap([
      { bot_id: "x", seed: 2 },
      { bot_id: "y", seed: null },
      { bot_id: "z", seed: 1 },
    ]);
    expect([...seeds]).toEqual([
      ["z", 1],
      ["x", 2],
    ]);
  });
});

describe("pairing a round", () => {
  const order = ["a", "b", "c", "d"];

  it("takes the fixed schedules of round-robin and knockout", () => {
    expect(fixedTables("round_robin", 2, order, order)).toEqual(roundRobinRounds(order)[1]);
    expect(fixedTables("round_robin", 9, order, order)).toEqual([]);
    expect(fixedTables("knockout", 1, order, order)).toEqual(knockoutFirstRound(order));
    expect(fixedTables("knockout", 2, order, ["a", "c"])).toEqual([["a", "c"]]);
  });

  it("sends the winners of a knockout round on", () => {
    expect(knockoutSurvivors([{ winner: "a" }, { winner: null }, { winner: "d" }])).toEqual([
      "a",
      "d",
    ]);
  });

  it("pairs a Swiss among the present without a rematch, absentees alone", () => {
    const standing = (bot_id: string, points: number) => ({ bot_id, points }) as Standing;
    const standings = ["a", "c", "b", "d", "e"].map((id, i) => standing(id, i < 2 ? 1 : 0));
    const played: ScoredTable[] = [
      {
        round: 1,
        a: "a",
        b: "c",
        kind: "draw",
        winner: null,
        points: [0.5, 0.5],
        net_chips: [0, 0],
      },
    ];
    const tables = swissTables(standings, played, new Set(["a", "b", "c", "d"]));
    expect(tables).toContainEqual(["e", null]);
    const pairs = tables.filter(([, b]) => b !== null).map(([a, b]) => [a, b].sort().join());
    expect(pairs).not.toContain("a,c");
    expect(
      tables
        .flat()
        .filter((id) => id !== null)
        .sort(),
    ).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("settles byes and forfeits at check-in and leaves the rest to play", () => {
    const seeds = new Map(order.map((id, i) => [id, i + 1]));
    const settled = settleAtCheckIn(
      "round_robin",
      [
        ["a", "b"],
        ["c", "d"],
        ["e", null],
      ],
      new Set(["a", "b", "c", "e"]),
      seeds,
    );
    expect(settled.map((t) => t.score?.kind ?? "play")).toEqual(["play", "forfeit", "bye"]);
    expect(settled[1]?.score?.winner).toBe("c");
  });
});
