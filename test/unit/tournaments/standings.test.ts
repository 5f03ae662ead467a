// Proves scoring and tie-breaks: points, Buchholz and Sonneborn-Berger for Swiss, the
// round-robin order without Buchholz, knockout order by the round reached, and how a
// match report, a bye and an absence are scored.
import { describe, expect, it } from "vitest";
import { scoreCheckIn, scoreReport } from "../../../src/tournaments/scoring.ts";
import { computeStandings, type ScoredTable } from "../../../src/tournaments/standings.ts";

const entrants = ["a", "b", "c", "d"].map((id, i) => ({ bot_id: id, name: id, seed: i + 1 }));
const win = (round: number, a: string, b: string, winner: string): ScoredTable => ({
  round,
  a,
  b,
  kind: "played",
  winner,
  points: winner === a ? [1, 0] : [0, 1],
  net_chips: winner === a ? [100, -100] : [-100, 100],
});

describe("standings", () => {
  it("orders a Swiss by points, then Buchholz", () => {
    // a beats b, c beats d; then a beats c, d beats b. a 2, c 1, d 1, b 0.
    const tables = [
      win(1, "a", "b", "a"),
      win(1, "c", "d", "c"),
      win(2, "a", "c", "a"),
      win(2, "d", "b", "d"),
    ];
    const standings = computeStandings("swiss", entrants, tables);
    expect(standings.map((s) => s.bot_id)).toEqual(["a", "c", "d", "b"]);
    const c = standings.find((s) => s.bot_id === "c");
    // c met a (2) and d (1); d met c (1) and b (0).
    expect(c?.buchholz).toBe(3);
    expect(standings.find((s) => s.bot_id === "d")?.buchholz).toBe(1);
    expect(c?.sonneborn_berger).toBe(1);
  });

  it("counts a bye as a point and a forfeit as a loss without an opponent", () => {
    const tables: ScoredTable[] = [
      { round: 1, a: "a", b: null, kind: "bye", winner: "a", points: [1, 0], net_chips: [0, 0] },
      {
        round: 1,
        a: "b",
        b: null,
        kind: "forfeit",
        winner: null,
        points: [0, 0],
        net_chips: [0, 0],
      },
    ];
    const standings = computeStandings("swiss", entrants, tables);
    expect(standings[0]).toMatchObject({ bot_id: "a", points: 1, byes: 1, buchholz: 0 });
    expect(standings.find((s) => s.bot_id === "b")).toMatchObject({ losses: 1, forfeits: 1 });
  });

  it("falls back to seed when everything else is equal", () => {
    expect(computeStandings("round_robin", entrants, []).map((s) => s.bot_id)).toEqual([
      "a",
      "b",
      "c",
      "d",
    ]);
  });

  it("ranks a knockout by the round reached", () => {
    const tables = [win(1, "a", "d", "d"), win(1, "b", "c", "b"), win(2, "d", "b", "b")];
    const standings = computeStandings("knockout", entrants, tables);
    expect(standings.map((s) => s.bot_id)).toEqual(["b", "d", "a", "c"]);
    expect(standings.map((s) => s.eliminated_in)).toEqual([null, 2, 1, 1]);
  });
});

describe("scoring a table", () => {
  const seeds = new Map([
    ["a", 1],
    ["b", 2],
  ]);
  const report = (finals: [number, number], extra: Record<string, unknown> = {}) => ({
    match_id: "m",
    match_end: {
      type: "match_end" as const,
      match_id: "m",
      reason: "complete" as const,
      results: finals.map((final_stack, seat) => ({
        seat,
        name: "x",
        net_chips: final_stack - 100,
        hands_won: 0,
        final_stack,
        bot_errors: [],
        decision_latency_samples_ms: [],
      })),
      total_hands_played: 3,
      mode: "elimination" as const,
      finishing_order: [],
      terminal_status: "completed" as const,
      ...extra,
    },
    seats: [
      { seat: 0, bot_id: "b", net_chips: finals[0] - 100 },
      { seat: 1, bot_id: "a", net_chips: finals[1] - 100 },
    ],
  });

  it("gives the point to the bigger stack, by the seat's bot", () => {
    expect(scoreReport("swiss", { a: "a", b: "b" }, report([200, 0]), seeds)).toEqual({
      kind: "played",
      winner: "b",
      points: [0, 1],
      net_chips: [-100, 100],
    });
  });

  it("awards a forfeit to the awarded seat whatever the chips", () => {
    const scored = scoreReport(
      "swiss",
      { a: "a", b: "b" },
      report([150, 50], { forfeit_winner_seat: 1 }),
      seeds,
    );
    expect(scored.winner).toBe("a");
  });

  it("splits a draw, and sends the better seed on in a knockout", () => {
    expect(scoreReport("swiss", { a: "a", b: "b" }, report([100, 100]), seeds)).toMatchObject({
      kind: "draw",
      winner: null,
      points: [0.5, 0.5],
    });
    expect(scoreReport("knockout", { a: "b", b: "a" }, report([100, 100]), seeds).winner).toBe("a");
  });

  it("scores a void match 0–0", () => {
    const cancelled = {
      match_id: "m",
      match_end: {
        type: "match_end" as const,
        match_id: "m",
        reason: "cancelled" as const,
        error_code: "connection_timeout" as const,
      },
      seats: [],
    };
    expect(scoreReport("swiss", { a: "a", b: "b" }, cancelled, seeds)).toMatchObject({
      kind: "void",
      points: [0, 0],
    });
  });

  it("settles byes and absences at check-in", () => {
    const here = new Set(["a"]);
    expect(scoreCheckIn("round_robin", { a: "a", b: "b" }, here, seeds)).toMatchObject({
      kind: "forfeit",
      winner: "a",
      points: [1, 0],
    });
    expect(scoreCheckIn("knockout", { a: "b", b: "c" }, here, seeds)).toMatchObject({
      kind: "double_forfeit",
      winner: "b",
    });
    expect(scoreCheckIn("swiss", { a: "b", b: null }, here, seeds)).toMatchObject({
      kind: "forfeit",
      points: [0, 0],
    });
    expect(scoreCheckIn("swiss", { a: "a", b: null }, here, seeds)).toMatchObject({
      kind: "bye",
      points: [1, 0],
    });
  });
});
