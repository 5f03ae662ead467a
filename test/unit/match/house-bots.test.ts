// Proves that every house strategy always answers with an action the engine accepts, over
// many random hands played to the end, and the hand-strength scores' ordering.
import { describe, expect, it } from "vitest";
import {
  decideHouseAction,
  HOUSE_STRATEGIES,
  madeHandStrength,
  preflopStrength,
} from "../../../src/match/house-bots.ts";
import {
  actingSeat,
  applyAction,
  createMatch,
  deckCommitment,
  handInProgress,
  matchOver,
  newDeck,
  startHand,
  turnView,
} from "../../../src/poker/index.ts";

describe("house strategies", () => {
  it("only ever choose legal actions, hand after hand", async () => {
    for (const first of HOUSE_STRATEGIES) {
      for (const second of HOUSE_STRATEGIES) {
        const state = createMatch(
          {
            variant: "nlhe",
            starting_stack: 1000,
            small_blind: 10,
            big_blind: 20,
            ante: 0,
            num_players: 2,
          },
          { handCap: 40 },
        );
        const strategies = [first, second];
        while (!matchOver(state)) {
          const deck = newDeck();
          startHand(state, deck, deckCommitment(deck));
          while (handInProgress(state)) {
            const seat = actingSeat(state);
            if (seat === null) break;
            const decision = decideHouseAction(strategies[seat] ?? "random", turnView(state, seat));
            const result = applyAction(state, seat, decision.action, decision.params);
            expect(result.ok, `${strategies[seat]}: ${JSON.stringify(decision)}`).toBe(true);
          }
        }
      }
    }
  });

  it("calling station never folds when it can check or call", () => {
    const view = (valid: ("fold" | "check" | "call" | "raise")[]) =>
      ({ valid_actions: valid, state: {} }) as unknown as Parameters<typeof decideHouseAction>[1];
    expect(decideHouseAction("calling_station", view(["fold", "call", "raise"])).action).toBe(
      "call",
    );
    expect(decideHouseAction("calling_station", view(["check", "raise"])).action).toBe("check");
  });

  it("scores strong hands above weak ones", () => {
    expect(preflopStrength(["As", "Ad"])).toBeGreaterThan(preflopStrength(["7c", "2d"]));
    expect(preflopStrength(["Ks", "Qs"])).toBeGreaterThan(preflopStrength(["Kd", "7c"]));
    expect(madeHandStrength(["As", "Ad", "Ah", "2c", "7d"])).toBeGreaterThan(
      madeHandStrength(["As", "Kd", "9h", "2c", "7d"]),
    );
    expect(madeHandStrength(["2s", "3s", "4s", "5s", "6s", "Kd"])).toBe(1);
  });
});
