// Smoke: two remote bots play a short match to match_end through the Worker.
import { describe, expect, it } from "vitest";
import { connectSeat, playPassively, twoBotMatch } from "./match-harness";

describe("match smoke", () => {
  it("plays to match_end", async () => {
    const { alpha, bravo, match } = await twoBotMatch({ hand_cap: 3 });
    const a = await connectSeat(match, 0, alpha.token);
    const b = await connectSeat(match, 1, bravo.token);
    const [endA, endB] = await Promise.all([
      playPassively(a, match.match_id),
      playPassively(b, match.match_id),
    ]);
    console.log(JSON.stringify(a.frames.slice(0, 8)));
    expect(endA.reason).toBe("complete");
    expect(endB.reason).toBe("complete");
    expect((await a.closed()).code).toBe(1000);
  });
});
