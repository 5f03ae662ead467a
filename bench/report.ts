/**
 * The printed form of a run: one table, a row per figure for botgate and, under it, a row per
 * compared system with `botgate / other`, then the method of every figure as numbered notes.
 */
import { type Figure, ratioOf } from "./lib.ts";

const num = (n: number) => (Number.isFinite(n) ? String(n) : "n/a");
const ratio = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : "n/a");

/** The table and its notes, ready to print. */
export function formatReport(figures: readonly Figure[]): string {
  // Methods are long and shared by several rows: each distinct one becomes a numbered note.
  const notes: string[] = [];
  const noteOf = (method: string) => {
    const index = notes.indexOf(method);
    if (index >= 0) return index + 1;
    notes.push(method);
    return notes.length;
  };
  const rows: string[][] = [];
  for (const f of figures) {
    rows.push([
      f.suite,
      f.figure,
      "botgate",
      num(f.value),
      f.unit,
      f.better ?? "",
      "",
      `[${noteOf(f.method)}]`,
    ]);
    for (const c of f.comparisons ?? []) {
      rows.push([
        "",
        "",
        c.against,
        num(c.value),
        f.unit,
        "",
        ratio(ratioOf(f.value, c.value)),
        "",
      ]);
    }
  }
  const header = ["suite", "figure", "system", "value", "unit", "better", "botgate/other", "how"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [
    "ratios read botgate / other: above 1 is botgate ahead where higher is better, behind where lower is better",
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    ...notes.map((note, i) => `[${i + 1}] ${note}`),
  ].join("\n");
}
