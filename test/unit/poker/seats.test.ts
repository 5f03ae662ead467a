// Proves the seat-level helpers the engine's modules share (src/poker/seats.ts): the next
// seat round the table, who can act and who owes an action, chips put in, history entries.
import { describe, expect, it } from "vitest";
import type { HandState, MatchState } from "../../../src/poker/index.ts";
import {
  canAct,
  countCanAct,
  isLive,
  needsAction,
  nextSeat,
  putIn,
  record,
} from "../../../src/poker/seats.ts";
import { matchWithStacks, randomDeck, seededRandom } from "./helpers.ts";

/** Three seats at 1000 with the first hand dealt: dealer 0, small blind 1, big blind 2. */
function threeSeats(): { state: MatchState; hand: HandState } {
  const state = matchWithStacks([1000, 1000, 1000], randomDeck(seededRandom(7)));
  if (state.hand === null) throw new Error("no hand dealt");
  return { state, hand: state.hand };
}

describe("nextSeat", () => {
  it("goes clockwise, wraps, and comes to the starting seat last", () => {
    expect(nextSeat(1, 6, (s) => s % 2 === 0)).toBe(2);
    expect(nextSeat(4, 6, (s) => s % 2 === 0)).toBe(0);
    expect(nextSeat(2, 3, (s) => s === 2)).toBe(2);
    expect(nextSeat(0, 3, () => false)).toBeNull();
  });
});

describe("who can act", () => {
  it("counts dealt, unfolded seats with chips behind", () => {
    const { state, hand } = threeSeats();
    expect(countCanAct(state, hand)).toBe(3);
    hand.folded[1] = true;
    state.stacks[2] = 0;
    expect([0, 1, 2].map((s) => canAct(state, hand, s))).toEqual([true, false, false]);
    expect([0, 1, 2].map((s) => isLive(hand, s))).toEqual([true, false, true]);
    expect(countCanAct(state, hand)).toBe(1);
  });

  it("owes an action facing a bet, or unacted while someone could answer", () => {
    const { state, hand } = threeSeats();
    expect(hand.to_act).toBe(0);
    expect(needsAction(state, hand, 0)).toBe(true);
    expect(needsAction(state, hand, 2)).toBe(true);
    hand.acted[2] = true;
    expect(needsAction(state, hand, 2)).toBe(false);
    hand.acted[2] = false;
    hand.folded[0] = true;
    hand.folded[1] = true;
    expect(needsAction(state, hand, 2)).toBe(false);
  });
});

describe("chips and history", () => {
  it("puts chips in the pot, into the street bet unless an ante, and records the action", () => {
    const { state, hand } = threeSeats();
    const before = { stack: state.stacks[0], committed: hand.committed[0] };
    putIn(state, hand, 0, 5, true);
    expect(hand.street_bets[0]).toBe(0);
    putIn(state, hand, 0, 20, false);
    expect(hand.street_bets[0]).toBe(20);
    expect(state.stacks[0]).toBe((before.stack ?? 0) - 25);
    expect(hand.committed[0]).toBe((before.committed ?? 0) + 25);
    record(hand, 0, "call", 20, true);
    expect(hand.action_history.at(-1)).toEqual({
      seat: 0,
      action: "call",
      amount: 20,
      phase: "preflop",
      is_timeout: true,
    });
  });
});
