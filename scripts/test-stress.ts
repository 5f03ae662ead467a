/**
 * `npm run test:stress` — the whole `npm test` on a busy machine: N processes spin the CPU
 * (default 4; `--loops N` or `STRESS_LOOPS`) for exactly as long as one `npm test` runs, so
 * a test that depends on timing rather than on events shows up here. Bounded: the loops stop
 * when the run ends, when this process goes away (their IPC channel closes), and in any case
 * after `--max-minutes` (default 30). Exits with `npm test`'s code.
 */
import { fork, spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const SELF = fileURLToPath(import.meta.url);

if (process.argv[2] === "--spin") {
  // A child: spin in 100 ms slices, yielding between them so a closed IPC channel is noticed.
  const until = Date.now() + Number(process.argv[3]);
  process.on("disconnect", () => process.exit(0));
  const spin = () => {
    if (Date.now() > until) process.exit(0);
    const slice = Date.now() + 100;
    while (Date.now() < slice) {
      // burn
    }
    setImmediate(spin);
  };
  spin();
} else {
  const { values } = parseArgs({
    options: {
      loops: { type: "string", default: process.env.STRESS_LOOPS ?? "4" },
      "max-minutes": { type: "string", default: "30" },
    },
  });
  const loops = Number(values.loops);
  const maxMs = Number(values["max-minutes"]) * 60_000;
  if (!Number.isInteger(loops) || loops < 0 || !(maxMs > 0)) {
    throw new Error("--loops takes a whole number ≥ 0, --max-minutes a positive number");
  }
  const spinners = Array.from({ length: loops }, () =>
    fork(SELF, ["--spin", String(maxMs)], { stdio: ["ignore", "ignore", "ignore", "ipc"] }),
  );
  const stopSpinners = () => {
    for (const child of spinners) if (child.connected) child.disconnect();
  };
  process.once("exit", stopSpinners);
  console.log(
    `test:stress: ${loops} busy loops on ${availableParallelism()} CPUs for the duration of npm test`,
  );
  const started = Date.now();
  const test = spawn("npm", ["test"], { stdio: "inherit" });
  const stop = (signal: NodeJS.Signals) => test.kill(signal);
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const code = await new Promise<number>((resolve) => {
    test.on("exit", (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
  stopSpinners();
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(
    `test:stress: npm test ${code === 0 ? "passed" : `failed (exit ${code})`} in ${seconds} s with ${loops} busy loops`,
  );
  process.exitCode = code;
}
