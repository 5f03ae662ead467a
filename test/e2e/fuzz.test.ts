// Proves, in a fast seeded pass against the real Worker on loopback, that every socket and
// HTTP entry point answers hostile input (test/fuzz/catalogue.ts) exactly as documented,
// leaves stored data unchanged, logs no server error, and that the object under attack then
// serves a legitimate client's whole flow. `npm run fuzz` runs the long pass.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GROUPS } from "../fuzz/catalogue.ts";
import { runFuzz } from "../fuzz/runner.ts";
import { World } from "../fuzz/world.ts";

/** One fixed seed, so a failure here replays with `npm run fuzz -- --seed 20261120`. */
const SEED = 20261120;
/** Inputs per seeded family: enough to touch every operator, small enough for `npm test`. */
const ITERATIONS = 4;

let world: World;
beforeAll(async () => {
  world = await World.start();
});
afterAll(async () => {
  await world?.gateway.close();
});

describe("a fast seeded fuzz pass", () => {
  for (const group of GROUPS) {
    it(`${group.entry} (${group.id}): documented answers, data unchanged, the object still serves`, async () => {
      const report = await runFuzz(world, {
        seeds: [SEED],
        iterations: ITERATIONS,
        groups: [group],
      });
      expect(report.failures).toEqual([]);
      expect(report.cases).toBeGreaterThanOrEqual(group.cases.length);
    });
  }
});
