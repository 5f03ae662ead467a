/**
 * Runs the catalogue against one world: per seed and per group, it snapshots the stored
 * data, runs every fixed case and `iterations` inputs of every seeded family, snapshots
 * again and compares, runs the legitimate flow on the same object, and reads the runtime's
 * logs for any server-side error. Every failure is kept with its case id, seed and input.
 */
import type { AnyGroup } from "./case.ts";
import { Rng } from "./rng.ts";
import { diffSnapshots, snapshot } from "./snapshot.ts";
import type { World } from "./world.ts";

export interface RunOptions {
  seeds: readonly number[];
  /** Inputs per seeded family, per seed. */
  iterations: number;
  groups: readonly AnyGroup[];
  /** Progress lines (the CLI prints them; the test keeps quiet). */
  log?: (line: string) => void;
  /** Upper bound of one case (a hung case fails instead of stalling the run). */
  caseTimeoutMs?: number;
}

export interface Failure {
  seed: number;
  group: string;
  case: string;
  input: string;
  error: string;
}

export interface GroupTally {
  group: string;
  entry: string;
  cases: number;
  failures: number;
  seconds: number;
}

export interface Report {
  seeds: readonly number[];
  iterations: number;
  cases: number;
  failures: Failure[];
  groups: GroupTally[];
  seconds: number;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function bounded<T>(what: string, ms: number, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([run(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runtime log lines that mean the server failed: error-level logs and uncaught exceptions. */
function serverErrors(world: World): string[] {
  return world.gateway.harness
    .getLogs()
    .filter((line) => line.level === "error" || /uncaught|unhandled/i.test(line.message))
    .map((line) => line.message.slice(0, 400));
}

export async function runFuzz(world: World, options: RunOptions): Promise<Report> {
  const started = performance.now();
  const caseTimeoutMs = options.caseTimeoutMs ?? 60_000;
  const failures: Failure[] = [];
  const tallies = new Map<string, GroupTally>();
  let cases = 0;
  for (const seed of options.seeds) {
    const rng = new Rng(seed);
    for (const group of options.groups) {
      const groupStarted = performance.now();
      const tally = tallies.get(group.id) ?? {
        group: group.id,
        entry: group.entry,
        cases: 0,
        failures: 0,
        seconds: 0,
      };
      tallies.set(group.id, tally);
      const fail = (name: string, input: string, error: unknown) => {
        failures.push({ seed, group: group.id, case: name, input, error: message(error) });
        tally.failures += 1;
        options.log?.(
          `  FAIL ${group.id}.${name} (seed ${seed}) ${input.slice(0, 120)}\n       ${message(error).slice(0, 400)}`,
        );
      };
      world.gateway.harness.clearLogs();
      const grng = rng.fork(group.id);
      const state = await group.setup(world, grng.fork("setup"));
      const objects = group.objects(state);
      const before = await snapshot(world.gateway, objects);
      for (const fixed of group.cases) {
        tally.cases += 1;
        cases += 1;
        try {
          await bounded(`${group.id}.${fixed.id}`, caseTimeoutMs, () =>
            fixed.run({ world, state, rng: grng.fork(fixed.id) }),
          );
        } catch (error) {
          fail(fixed.id, fixed.input, error);
        }
        world.closeAll();
      }
      for (const family of group.families) {
        try {
          const ran = await bounded(`${group.id}.${family.id}`, caseTimeoutMs * 4, () =>
            family.run(
              { world, state, rng: grng.fork(family.id) },
              options.iterations,
              (input, error) => fail(family.id, input, error),
            ),
          );
          tally.cases += ran;
          cases += ran;
        } catch (error) {
          fail(family.id, family.input, error);
        }
        world.closeAll();
      }
      // Close events run after the client is gone, and on a busy machine they may take a
      // while: look again until the stored data is as expected, or has stopped changing.
      const unexplained = await settledDiff(async () => {
        const diff = diffSnapshots(before, await snapshot(world.gateway, objects));
        return group.explain ? group.explain(diff, state) : diff;
      });
      if (unexplained.length > 0) {
        fail(
          "stored-data",
          "hostile traffic changed stored data",
          unexplained
            .slice(0, 10)
            .map((line) => line.slice(0, 400))
            .join("\n"),
        );
      }
      try {
        await bounded(`${group.id} legitimate flow`, caseTimeoutMs, () =>
          group.legit(world, state),
        );
      } catch (error) {
        fail("legit-flow", group.legitFlow, error);
      }
      await group.teardown?.(state);
      for (const line of serverErrors(world))
        fail("server-log", "an error logged by the server", line);
      tally.seconds += (performance.now() - groupStarted) / 1000;
      options.log?.(
        `${group.id.padEnd(16)} seed ${seed}: ${tally.cases} cases so far, ${tally.failures} failures (${((performance.now() - groupStarted) / 1000).toFixed(1)} s)`,
      );
    }
  }
  return {
    seeds: options.seeds,
    iterations: options.iterations,
    cases,
    failures,
    groups: [...tallies.values()],
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * The unexplained differences once they are gone, or once they have stayed the same for
 * `stableMs` (the objects have finished their close bookkeeping, so what is left is real),
 * looking every 100 ms for at most `timeoutMs`.
 */
async function settledDiff(
  read: () => Promise<string[]>,
  stableMs = 1500,
  timeoutMs = 15_000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  let since = Date.now();
  while (last.length > 0 && Date.now() < deadline && Date.now() - since < stableMs) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const next = await read();
    if (next.join("\n") !== last.join("\n")) since = Date.now();
    last = next;
  }
  return last;
}
