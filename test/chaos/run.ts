/**
 * `npm run chaos` — a bounded, seeded fault-injection run against the real local runtime,
 * then every invariant printed with its counts. Exits 1 if one is broken.
 *
 *   npm run chaos -- --seed 42 --minutes 3
 *
 * Options: --seed N (default: random, printed), --minutes M (fault phase, default 3),
 * --bots N (12), --matches N (concurrent, 6), --channels N (3), --agents N (per channel, 4),
 * --bridges N (botgate mcp bridges, 1; 0 for none),
 * --stack N (starting stack, 300: deeper stacks make longer matches), --restarts N,
 * --revocations N and --outages N (per minute: 1, 2 and 0.5; an outage takes the gateway
 * down for 5–20 s, its dials refused, while the runtime restarts), --tournament-bots N (a
 * 2-round Swiss of N more bots, 4; 0 for none), --sleds N (contract sleds asking for approvals
 * and answering relayed MCP calls, 2; 0 for none), --quiet (no per-fault lines).
 */
import { parseArgs } from "node:util";
import { formatReport, runChaos } from "./scenario.ts";

const { values } = parseArgs({
  options: {
    seed: { type: "string" },
    minutes: { type: "string", default: "3" },
    bots: { type: "string", default: "12" },
    matches: { type: "string", default: "6" },
    channels: { type: "string", default: "3" },
    agents: { type: "string", default: "4" },
    bridges: { type: "string", default: "1" },
    stack: { type: "string", default: "300" },
    restarts: { type: "string", default: "1" },
    revocations: { type: "string", default: "2" },
    "tournament-bots": { type: "string", default: "4" },
    sleds: { type: "string", default: "2" },
    outages: { type: "string", default: "0.5" },
    quiet: { type: "boolean", default: false },
  },
});

const positive = (name: string, text: string | undefined): number => {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
};

const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (!Number.isSafeInteger(seed)) throw new Error("--seed must be an integer");
const minutes = positive("minutes", values.minutes);
const durationMs = Math.round(minutes * 60_000);
const bots = Math.max(2, Math.round(positive("bots", values.bots)));

process.stderr.write(
  `chaos: seed ${seed} (re-run with --seed ${seed}), ${minutes} min of faults\n`,
);
const report = await runChaos({
  seed,
  durationMs,
  bots,
  concurrentMatches: Math.round(positive("matches", values.matches)),
  channels: Math.round(positive("channels", values.channels)),
  agentsPerChannel: Math.round(positive("agents", values.agents)),
  bridges: Math.max(0, Math.round(Number(values.bridges) || 0)),
  faultGapMs: [300, 1500],
  restarts: Math.max(1, Math.round(minutes * positive("restarts", values.restarts))),
  revocations: Math.max(1, Math.round(minutes * positive("revocations", values.revocations))),
  outages: Math.max(1, Math.round(minutes * positive("outages", values.outages))),
  slowDecisionRate: 0.03,
  match: { starting_stack: Math.round(positive("stack", values.stack)) },
  tournamentBots: Math.round(Number(values["tournament-bots"])),
  sleds: Math.max(0, Math.round(Number(values.sleds) || 0)),
  ...(values.quiet ? {} : { log: (line: string) => process.stderr.write(`chaos: ${line}\n`) }),
});
console.log(formatReport(report));
process.exitCode = report.ok ? 0 : 1;
