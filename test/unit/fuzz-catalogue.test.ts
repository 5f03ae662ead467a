/**
 * docs/fuzzing.md reproduces the fuzz case catalogue (`npm run fuzz -- --list`): every case's
 * row, as the case states its input and documented outcome, is in the document.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { catalogueMarkdown } from "../fuzz/catalogue.ts";

describe("the fuzz catalogue in docs/fuzzing.md", () => {
  it("has every case's row as the case states it", () => {
    const doc = readFileSync(new URL("../../docs/fuzzing.md", import.meta.url), "utf8");
    const rows = catalogueMarkdown()
      .split("\n")
      .filter((line) => line.startsWith("| `"));
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.filter((row) => !doc.includes(row.trim()))).toEqual([]);
  });
});
