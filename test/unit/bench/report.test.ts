// Proves the benchmark report reads one way everywhere: nearest-rank percentiles, a row per
// compared system carrying botgate / other, "n/a" instead of a ratio over zero, and each
// distinct method printed once as a numbered note.
import { describe, expect, it } from "vitest";
import { type Figure, percentile, ratioOf } from "../../../bench/lib.ts";
import { formatReport } from "../../../bench/report.ts";

describe("percentile", () => {
  it("takes the nearest rank and is NaN without samples", () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe("formatReport", () => {
  const latency: Figure = {
    suite: "channels",
    figure: "post→ack p50",
    value: 30,
    unit: "ms",
    better: "lower",
    comparisons: [
      { against: "socket.io", value: 10 },
      { against: "partyserver", value: 60 },
    ],
    method: "sequential posts",
  };
  const failures: Figure = {
    suite: "channels",
    figure: "connects failed",
    value: 0,
    unit: "sockets",
    better: "lower",
    comparisons: [{ against: "socket.io", value: 0 }],
    method: "sequential posts",
  };
  const rate: Figure = {
    suite: "evaluator",
    figure: "evaluations/s",
    value: 30,
    unit: "M/s",
    better: "higher",
    comparisons: [{ against: "npm", value: 20 }],
    method: "one loop per evaluator",
  };
  const lines = formatReport([latency, failures, rate]).split("\n");
  const row = (...cells: string[]) =>
    lines.find((line) => cells.every((cell) => line.split(/\s{2,}/).includes(cell)));

  it("prints botgate's row, then one row per compared system with botgate / other", () => {
    expect(ratioOf(30, 10)).toBe(3);
    expect(row("channels", "post→ack p50", "botgate", "30", "ms", "lower", "[1]")).toBeDefined();
    expect(row("socket.io", "10", "ms", "3.00")).toBeDefined();
    expect(row("partyserver", "60", "ms", "0.50")).toBeDefined();
    expect(row("npm", "20", "M/s", "1.50")).toBeDefined();
  });

  it("prints n/a rather than a ratio over zero", () => {
    const index = lines.findIndex((line) => line.includes("connects failed"));
    expect(lines[index + 1]?.trimEnd().endsWith("n/a")).toBe(true);
  });

  it("numbers each distinct method once and says how ratios read", () => {
    expect(lines.filter((line) => line.startsWith("[1] sequential posts"))).toHaveLength(1);
    expect(lines).toContain("[2] one loop per evaluator");
    expect(
      row("evaluator", "evaluations/s", "botgate", "30", "M/s", "higher", "[2]"),
    ).toBeDefined();
    expect(lines[0]).toContain("botgate / other");
  });
});
