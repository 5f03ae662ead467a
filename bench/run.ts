/**
 * `npm run bench`: runs every suite in bench/suites (or those named on the command
 * line), prints one table and writes bench/results/latest.json. Every suite is
 * bounded, targets loopback only and stops by itself.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import type { Figure, Suite } from "./lib.ts";

process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";

const suitesDir = new URL("./suites/", import.meta.url);
const wanted = process.argv.slice(2);
const files = readdirSync(suitesDir)
  .filter((f) => f.endsWith(".ts"))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.ts$/, "")))
  .sort();

const figures: Figure[] = [];
for (const file of files) {
  const started = performance.now();
  process.stderr.write(`bench: ${file} …\n`);
  const suite = (await import(new URL(file, suitesDir).href)).default as Suite;
  figures.push(...(await suite()));
  process.stderr.write(
    `bench: ${file} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

const machine = `${cpus().length}× ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const rows = figures.map((f) => [f.suite, f.figure, String(f.value), f.unit, f.ratio ?? ""]);
const header = ["suite", "figure", "value", "unit", "ratio"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
console.log(`\nbotgate benchmarks — ${new Date().toISOString()} — ${machine}\n`);
console.log(line(header));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const row of rows) console.log(line(row));
writeFileSync(
  new URL("./results/latest.json", import.meta.url),
  `${JSON.stringify({ date: new Date().toISOString(), machine, figures }, null, 2)}\n`,
);
