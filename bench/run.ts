/**
 * `npm run bench`: runs every suite in bench/suites (or those named on the command line,
 * `npx node bench/run.ts channels match`), prints one table with the method of every figure
 * as numbered notes, and writes bench/results/latest.json. Every suite is bounded, targets
 * loopback only and stops by itself; a watchdog ends the whole run if it ever overruns.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import type { Figure, Suite } from "./lib.ts";
import { ratioOf, round } from "./lib.ts";
import { formatReport } from "./report.ts";

process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";

/** The promise is 10 minutes on a 2-core machine; past this the run is a failure, not slow. */
const RUN_BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 10 * 60_000);

const suitesDir = new URL("./suites/", import.meta.url);
const wanted = process.argv.slice(2);
const names = readdirSync(suitesDir)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => f.replace(/\.ts$/, ""))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();
if (names.length === 0) throw new Error(`bench: no suite named ${wanted.join(", ")}`);

interface SuiteRun {
  suite: string;
  seconds: number;
  /** One-minute load average of the machine when the suite started and ended. */
  load: [number, number];
  error?: string;
}

const runStarted = performance.now();
const startedAt = new Date().toISOString();
const loadAtStart = loadavg();
const watchdog = setTimeout(() => {
  process.stderr.write(`bench: the run overran its ${RUN_BUDGET_MS / 1000} s budget; stopping\n`);
  process.exit(2);
}, RUN_BUDGET_MS);
watchdog.unref();

const figures: Figure[] = [];
const runs: SuiteRun[] = [];
for (const name of names) {
  const started = performance.now();
  const load = loadavg()[0] ?? 0;
  process.stderr.write(`bench: ${name} …\n`);
  let error: string | undefined;
  try {
    const suite = (await import(new URL(`${name}.ts`, suitesDir).href)).default as Suite;
    figures.push(...(await suite()));
  } catch (err) {
    // One broken suite must not hide the others' figures; the run still exits non-zero.
    error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`bench: ${name} FAILED: ${error}\n`);
  }
  const seconds = (performance.now() - started) / 1000;
  runs.push({
    suite: name,
    seconds: Math.round(seconds * 10) / 10,
    load: [load, loadavg()[0] ?? 0],
    ...(error ? { error } : {}),
  });
  process.stderr.write(`bench: ${name} done in ${seconds.toFixed(1)} s\n`);
}
const totalSeconds = Math.round((performance.now() - runStarted) / 100) / 10;
const loadAtEnd = loadavg();

const cpu = cpus();
const machine = `${cpu.length}× ${cpu[0]?.model.trim() ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
/** The version of an installed package (wrangler nests its own workerd), or "?" */
function versionOf(...paths: string[]): string {
  for (const path of paths) {
    try {
      const url = new URL(`../node_modules/${path}/package.json`, import.meta.url);
      return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
    } catch {
      // not installed at this path
    }
  }
  return "?";
}
const versions = {
  wrangler: versionOf("wrangler"),
  workerd: versionOf("wrangler/node_modules/workerd", "workerd"),
  partyserver: versionOf("partyserver"),
  "socket.io": versionOf("socket.io"),
  "@pokertools/evaluator": versionOf("@pokertools/evaluator"),
};
const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
console.log(`\nbotgate benchmarks — ${startedAt} — ${machine}`);
console.log(
  Object.entries(versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(", "),
);
console.log(`load average (1/5/15 min): ${load(loadAtStart)} at start, ${load(loadAtEnd)} at end`);
console.log(`\n${formatReport(figures)}\n`);
for (const run of runs) {
  console.log(
    `${run.suite}: ${run.seconds} s (load ${run.load.map((x) => x.toFixed(2)).join(" → ")})${run.error ? " FAILED" : ""}`,
  );
}
console.log(`total: ${totalSeconds} s`);

mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(
  new URL("./results/latest.json", import.meta.url),
  `${JSON.stringify(
    {
      date: startedAt,
      machine,
      versions,
      load_average: { start: loadAtStart, end: loadAtEnd },
      total_seconds: totalSeconds,
      suites: runs,
      figures: figures.map((f) => ({
        ...f,
        ...(f.comparisons
          ? {
              comparisons: f.comparisons.map((c) => ({
                ...c,
                ratio: finiteOrNull(round(ratioOf(f.value, c.value), 3)),
              })),
            }
          : {}),
      })),
    },
    null,
    2,
  )}\n`,
);
/** JSON has no NaN or Infinity: a ratio over a zero is null. */
function finiteOrNull(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

// A failed suite may leave sockets or a runtime behind: exit rather than wait on them.
process.exit(runs.some((r) => r.error) ? 1 : 0);
