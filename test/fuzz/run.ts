/**
 * `npm run fuzz`: the long seeded pass. Starts the real gateway on a loopback port, runs
 * every group of the catalogue for each seed, prints one line per group and seed, then the
 * totals and every failure with its seed (re-run one with `--seed <n>`). Exits non-zero on
 * any failure.
 *
 *   npm run fuzz                         # seeds 1–8, 40 inputs per family and seed
 *   npm run fuzz -- --seeds 20 --iterations 100
 *   npm run fuzz -- --seed 7 --group lobby
 *   npm run fuzz -- --list               # the catalogue as Markdown
 */
import { parseArgs } from "node:util";
import { catalogueMarkdown, GROUPS } from "./catalogue.ts";
import { runFuzz } from "./runner.ts";
import { World } from "./world.ts";

const { values } = parseArgs({
  options: {
    seeds: { type: "string", default: "8" },
    seed: { type: "string", multiple: true },
    iterations: { type: "string", default: "40" },
    group: { type: "string", multiple: true },
    list: { type: "boolean", default: false },
  },
});

if (values.list) {
  console.log(catalogueMarkdown());
  process.exit(0);
}

const seeds =
  values.seed?.map(Number) ?? Array.from({ length: Number(values.seeds) }, (_, i) => i + 1);
const groups = values.group ? GROUPS.filter((g) => values.group?.includes(g.id)) : GROUPS;
if (groups.length === 0) throw new Error(`no group named ${values.group?.join(", ")}`);
const iterations = Number(values.iterations);

console.log(
  `botgate fuzz: seeds ${seeds.join(",")}, ${iterations} inputs per family, ${groups.length} groups`,
);
const world = await World.start();
let failed = true;
try {
  const report = await runFuzz(world, {
    seeds,
    iterations,
    groups,
    log: (line) => console.log(line),
  });
  console.log(
    "\ngroup            entry                                     cases  failures  seconds",
  );
  for (const g of report.groups) {
    console.log(
      `${g.group.padEnd(16)} ${g.entry.padEnd(41)} ${String(g.cases).padStart(5)}  ${String(g.failures).padStart(8)}  ${g.seconds.toFixed(1).padStart(7)}`,
    );
  }
  console.log(
    `\n${report.cases} cases, ${report.failures.length} failures, ${report.seconds.toFixed(1)} s`,
  );
  for (const f of report.failures) {
    console.log(`\nFAIL ${f.group}.${f.case} (seed ${f.seed})\n  input: ${f.input}\n  ${f.error}`);
  }
  failed = report.failures.length > 0;
} finally {
  await world.gateway.close();
}
process.exit(failed ? 1 : 0);
