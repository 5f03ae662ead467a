// Proves each betting and settlement rule of §6.2–§6.12 on a constructed hand: blind order and
// button rotation, antes, short blinds, min-raise increments, the short-stack clamp, incomplete
// all-in raises not reopening betting, no raise facing only all-ins, call capping, clamping,
// rejections, timeouts, split pots with the odd chip, side pots as net payouts, uncalled
// excess, eliminations and the hand-count safety cap.
import { describe, expect, it } from "vitest";
import {
  actingSeat,
  applyAction,
  applyTimeout,
  createMatch,
  type EngineEvent,
  handInProgress,
  type MatchState,
  matchOver,
  matchSummary,
  type RoundResult,
  roundStartView,
  startHand,
  turnView,
} from "../../../src/poker/index.ts";
import { COMMITMENT, config, headsUpDeck, matchWithStacks, stackedDeck } from "./helpers.ts";

function act(state: MatchState, seat: number, action: string, params?: unknown): EngineEvent[] {
  const result = applyAction(state, seat, action, params);
  if (!result.ok) throw new Error(result.reason);
  return result.events;
}

function resultOf(events: EngineEvent[]): RoundResult {
  const last = events.at(-1);
  if (last?.type !== "round_result") throw new Error("the hand did not end");
  return last.result;
}

/** Three-seat deck: hole cards dealt from the left of the button (seat 0), then the board. */
function threeSeatDeck(holes: [string, string][], board: string[]) {
  const [h0 = ["", ""], h1 = ["", ""], h2 = ["", ""]] = holes;
  const [f1 = "", f2 = "", f3 = "", turn = "", river = ""] = board;
  const used = [...h0, ...h1, ...h2, ...board];
  const burns = ["Tc", "Td", "Th"].filter((c) => !used.includes(c));
  return stackedDeck([
    h1[0],
    h2[0],
    h0[0],
    h1[1],
    h2[1],
    h0[1],
    burns[0] ?? "",
    f1,
    f2,
    f3,
    burns[1] ?? "",
    turn,
    burns[2] ?? "",
    river,
  ]);
}

// Pairs nobody and completes no straight or flush for the hands dealt below.
const BLANK_BOARD = ["8c", "9d", "Jh", "4s", "3c"];

describe("blinds, positions and dealing", () => {
  it("heads-up: the button posts the small blind and acts first preflop, the big blind first after", () => {
    const state = createMatch(config(), { handCap: 100 });
    startHand(state, stackedDeck([]), COMMITMENT);
    expect(state.hand?.action_history.slice(0, 2)).toEqual([
      { seat: 0, action: "post_small_blind", amount: 10, phase: "preflop", is_timeout: false },
      { seat: 1, action: "post_big_blind", amount: 20, phase: "preflop", is_timeout: false },
    ]);
    expect(actingSeat(state)).toBe(0);
    act(state, 0, "call");
    // The big blind gets its option: nothing to call, but it may raise.
    expect(actingSeat(state)).toBe(1);
    expect(turnView(state, 1).valid_actions).toEqual(["check", "raise"]);
    const flop = act(state, 1, "check");
    expect(flop.map((e) => e.type)).toEqual(["turn_result", "phase_change"]);
    expect(actingSeat(state)).toBe(1);
    act(state, 1, "raise", { amount: 20 });
    act(state, 0, "fold");

    startHand(state, stackedDeck([]), COMMITMENT);
    expect(roundStartView(state, 0).dealer_seat).toBe(1);
    expect(state.hand?.action_history[0]).toMatchObject({ seat: 1, action: "post_small_blind" });
    expect(actingSeat(state)).toBe(1);
  });

  it("deals hole cards one at a time from the left of the button, heads-up the big blind first", () => {
    const state = createMatch(config(), { handCap: 100 });
    startHand(state, stackedDeck(["Ac", "Kd", "Qh", "Js"]), COMMITMENT);
    expect(roundStartView(state, 1).your_hole_cards).toEqual(["Ac", "Qh"]);
    expect(roundStartView(state, 0).your_hole_cards).toEqual(["Kd", "Js"]);
  });

  it("three seats: blinds left of the button, first to act left of the big blind, then left of the button", () => {
    const state = createMatch(config({ num_players: 3 }), { handCap: 100 });
    startHand(state, stackedDeck(["Ac", "Kd", "Qh", "Js", "Tc", "9d"]), COMMITMENT);
    expect(roundStartView(state, 1).your_hole_cards).toEqual(["Ac", "Js"]);
    expect(roundStartView(state, 2).your_hole_cards).toEqual(["Kd", "Tc"]);
    expect(roundStartView(state, 0).your_hole_cards).toEqual(["Qh", "9d"]);
    expect(state.hand?.action_history.map((e) => [e.seat, e.action])).toEqual([
      [1, "post_small_blind"],
      [2, "post_big_blind"],
    ]);
    expect(actingSeat(state)).toBe(0);
    act(state, 0, "call");
    act(state, 1, "call");
    act(state, 2, "check");
    expect(actingSeat(state)).toBe(1);
  });

  it("skips a seat without chips: it is not dealt in and the button passes it", () => {
    const state = matchWithStacks([1000, 0, 1000], stackedDeck([]));
    // Two seats left: heads-up rules between seats 0 and 2.
    expect(state.hand?.action_history.map((e) => [e.seat, e.action])).toEqual([
      [0, "post_small_blind"],
      [2, "post_big_blind"],
    ]);
    expect(roundStartView(state, 1).your_hole_cards).toEqual([]);
    expect(turnView(state, 0).state.opponent_stacks).toEqual([0, 980]);
    act(state, 0, "fold");
    startHand(state, stackedDeck([]), COMMITMENT);
    expect(state.hand?.dealer_seat).toBe(2);
  });
});

describe("antes", () => {
  it("posts antes after the blinds, into the pot but not into the bet to call", () => {
    const state = createMatch(config({ num_players: 3, ante: 5 }), { handCap: 100 });
    startHand(state, stackedDeck([]), COMMITMENT);
    expect(state.hand?.action_history.map((e) => [e.seat, e.action, e.amount])).toEqual([
      [1, "post_small_blind", 10],
      [2, "post_big_blind", 20],
      [0, "post_ante", 5],
      [1, "post_ante", 5],
      [2, "post_ante", 5],
    ]);
    const start = roundStartView(state, 0);
    expect(start.pot).toBe(45);
    expect(start.post_blind_stacks).toEqual([1995, 1985, 1975]);
    expect(start.stacks).toEqual([2000, 2000, 2000]);
    const view = turnView(state, 0);
    expect(view.state).toMatchObject({ pot: 45, to_call: 20, min_raise: 40, max_raise: 1995 });
  });
});

describe("short stacks", () => {
  it("a big blind shorter than the blind posts all it has; the small blind may only fold or call the rest", () => {
    const state = matchWithStacks([1000, 15], headsUpDeck(["Ah", "Ad"], ["7c", "2d"], BLANK_BOARD));
    expect(roundStartView(state, 0)).toMatchObject({ pot: 25, post_blind_stacks: [990, 0] });
    const view = turnView(state, 0);
    expect(view.valid_actions).toEqual(["fold", "call"]);
    expect(view.state).toMatchObject({ to_call: 5, min_raise: 0, max_raise: 0 });
    const events = act(state, 0, "call");
    expect(events.map((e) => e.type)).toEqual([
      "turn_result",
      "phase_change",
      "phase_change",
      "phase_change",
      "round_result",
    ]);
    expect(resultOf(events)).toMatchObject({ pot: 30, payouts: [{ seat: 0, amount: 30 }] });
  });

  it("a small blind all-in from its post leaves the big blind nothing to decide; its excess comes back", () => {
    const state = createMatch(config(), { handCap: 100 });
    state.stacks = [5, 1000];
    const events = startHand(
      state,
      headsUpDeck(["Ah", "Ad"], ["7c", "2d"], BLANK_BOARD),
      COMMITMENT,
    );
    expect(actingSeat(state)).toBeNull();
    const result = resultOf(events);
    expect(result.winner_seats).toEqual([0]);
    expect(result.pot).toBe(25);
    // The big blind's uncalled 15 counts in the pot and in its payout, though it lost.
    expect(result.payouts).toEqual([
      { seat: 0, amount: 10 },
      { seat: 1, amount: 15 },
    ]);
    expect(result.stacks).toEqual([10, 995]);
  });

  it("starts and settles a hand in which every seat is all-in from its posts", () => {
    const state = createMatch(config(), { handCap: 100 });
    state.stacks = [10, 20];
    const events = startHand(
      state,
      headsUpDeck(["7c", "2d"], ["Ah", "Ad"], BLANK_BOARD),
      COMMITMENT,
    );
    expect(events.map((e) => e.type)).toEqual([
      "phase_change",
      "phase_change",
      "phase_change",
      "round_result",
    ]);
    expect(handInProgress(state)).toBe(false);
    expect(resultOf(events).stacks).toEqual([0, 30]);
    expect(matchOver(state)).toEqual({ reason: "elimination" });
  });

  it("caps a call at the stack and returns the uncalled part of the shove", () => {
    const state = matchWithStacks(
      [2000, 500],
      headsUpDeck(["7c", "2d"], ["Ah", "Ad"], BLANK_BOARD),
    );
    act(state, 0, "raise", { amount: 2000 });
    const view = turnView(state, 1);
    expect(view.valid_actions).toEqual(["fold", "call"]);
    // to_call is not capped by the stack (our choice, §6.5); the call commits only the stack.
    expect(view.state.to_call).toBe(1980);
    const events = act(state, 1, "call");
    expect(events[0]).toEqual({
      type: "turn_result",
      seat: 1,
      details: { action: "call", amount: 480, pot: 2500, stacks: [0, 0], is_timeout: false },
    });
    const result = resultOf(events);
    expect(result).toMatchObject({ winner_seats: [1], pot: 2500, stacks: [1500, 1000] });
    expect(result.payouts).toEqual([
      { seat: 0, amount: 1500 },
      { seat: 1, amount: 1000 },
    ]);
  });
});

describe("raise sizing", () => {
  it("sets min_raise to the current bet plus the last full raise increment", () => {
    const state = createMatch(config(), { handCap: 100 });
    startHand(state, stackedDeck([]), COMMITMENT);
    expect(turnView(state, 0).state).toMatchObject({ min_raise: 40, max_raise: 2000 });
    act(state, 0, "raise", { amount: 60 });
    expect(turnView(state, 1).state).toMatchObject({ to_call: 40, min_raise: 100 });
    act(state, 1, "raise", { amount: 200 });
    expect(turnView(state, 0).state).toMatchObject({ to_call: 140, min_raise: 340 });
    act(state, 0, "call");
    // A new street: the opening bet's minimum is the big blind.
    expect(turnView(state, 1).state).toMatchObject({ to_call: 0, min_raise: 20, max_raise: 1800 });
  });

  it("clamps raise amounts into [min_raise, max_raise] and floors fractions", () => {
    const amounts = (sent: unknown) => {
      const state = createMatch(config(), { handCap: 100 });
      startHand(state, stackedDeck([]), COMMITMENT);
      const [first] = act(state, 0, "raise", sent);
      return first?.type === "turn_result" ? first.details.amount : null;
    };
    expect(amounts({ amount: 25 })).toBe(40);
    expect(amounts({ amount: -7 })).toBe(40);
    expect(amounts({ amount: 1e12 })).toBe(2000);
    expect(amounts({ amount: 55.9 })).toBe(55);
    expect(amounts({ amount: 40, note: "extra keys are ignored" })).toBe(40);
  });

  it("lowers min_raise to max_raise when the stack cannot reach a full raise", () => {
    const state = matchWithStacks([2000, 50], stackedDeck([]));
    act(state, 0, "raise", { amount: 40 });
    const view = turnView(state, 1);
    expect(view.valid_actions).toEqual(["fold", "call", "raise"]);
    expect(view.state).toMatchObject({ to_call: 20, min_raise: 50, max_raise: 50 });
    act(state, 1, "raise", { amount: 50 });
    // The shove leaves nobody to answer a raise.
    expect(turnView(state, 0).valid_actions).toEqual(["fold", "call"]);
  });

  it("offers no raise facing only all-in opponents", () => {
    const state = matchWithStacks([1000, 1000], stackedDeck([]));
    act(state, 0, "raise", { amount: 1000 });
    const view = turnView(state, 1);
    expect(view.valid_actions).toEqual(["fold", "call"]);
    expect(view.state).toMatchObject({ min_raise: 0, max_raise: 0, opponent_stacks: [0] });
  });
});

describe("reopening betting", () => {
  /** Three limpers see a flop; seat 1 bets 100, seat 2 calls, seat 0 (stack `shortStack`) acts. */
  function flopBetAndCall(shortStack: number): MatchState {
    const state = matchWithStacks([shortStack, 1000, 1000], stackedDeck([]));
    act(state, 0, "call");
    act(state, 1, "call");
    act(state, 2, "check");
    act(state, 1, "raise", { amount: 100 });
    act(state, 2, "call");
    return state;
  }

  it("an incomplete all-in raise lets seats that already acted only call or fold", () => {
    const state = flopBetAndCall(150);
    expect(turnView(state, 0).state).toMatchObject({ min_raise: 130, max_raise: 130 });
    act(state, 0, "raise", { amount: 130 });
    expect(turnView(state, 1).valid_actions).toEqual(["fold", "call"]);
    act(state, 1, "call");
    expect(turnView(state, 2).valid_actions).toEqual(["fold", "call"]);
  });

  it("a full raise reopens betting for them", () => {
    const state = flopBetAndCall(500);
    act(state, 0, "raise", { amount: 200 });
    expect(turnView(state, 1).valid_actions).toEqual(["fold", "call", "raise"]);
    expect(turnView(state, 1).state.min_raise).toBe(300);
  });
});

describe("rejections and timeouts", () => {
  function headsUp(): MatchState {
    const state = createMatch(config(), { handCap: 100 });
    startHand(state, stackedDeck([]), COMMITMENT);
    return state;
  }

  it("rejects actions outside valid_actions with the contract's wording and leaves the state alone", () => {
    const state = headsUp();
    const before = JSON.stringify(state);
    for (const action of ["all_in", "bet", "check", "", "FOLD", "raise_to"]) {
      expect(applyAction(state, 0, action, {})).toEqual({
        ok: false,
        reason: `Action '${action}' is not valid. Valid actions: ['fold', 'call', 'raise']`,
        valid_actions: ["fold", "call", "raise"],
      });
    }
    expect(JSON.stringify(state)).toBe(before);
  });

  it("rejects a raise without a numeric amount", () => {
    const state = headsUp();
    const before = JSON.stringify(state);
    for (const params of [undefined, {}, null, [], { amount: "100" }, { amount: null }, 100]) {
      const result = applyAction(state, 0, "raise", params);
      expect(result).toMatchObject({ ok: false, valid_actions: ["fold", "call", "raise"] });
      expect(result.ok ? "" : result.reason).toMatch(/amount/);
    }
    expect(JSON.stringify(state)).toBe(before);
  });

  it("rejects a seat acting out of turn, and any action between hands", () => {
    const state = headsUp();
    expect(applyAction(state, 1, "fold", {})).toMatchObject({ ok: false, valid_actions: [] });
    expect(applyAction(state, 7, "fold", {})).toMatchObject({ ok: false, valid_actions: [] });
    expect(turnView(state, 1).valid_actions).toEqual([]);
    act(state, 0, "fold");
    expect(applyAction(state, 1, "check", {})).toMatchObject({ ok: false, valid_actions: [] });
  });

  it("ignores params for fold, check and call, and accepts them omitted", () => {
    const state = headsUp();
    const [called] = act(state, 0, "call", { amount: 999 });
    expect(called).toMatchObject({ details: { action: "call", amount: 10 } });
    const [checked] = act(state, 1, "check");
    expect(checked).toMatchObject({ details: { action: "check", amount: 0, pot: 40 } });
  });

  it("times out to check when free, else to fold, flagged is_timeout", () => {
    const state = headsUp();
    act(state, 0, "call");
    const [check] = applyTimeout(state, 1);
    expect(check).toMatchObject({ details: { action: "check", is_timeout: true } });
    act(state, 1, "raise", { amount: 40 });
    const events = applyTimeout(state, 0);
    expect(events[0]).toMatchObject({ details: { action: "fold", amount: 0, is_timeout: true } });
    expect(resultOf(events).action_history.filter((e) => e.is_timeout)).toEqual([
      { seat: 1, action: "check", amount: 0, phase: "preflop", is_timeout: true },
      { seat: 0, action: "fold", amount: 0, phase: "flop", is_timeout: true },
    ]);
  });
});

describe("settlement", () => {
  it("ends a hand won by a fold with the whole pot, the uncalled raise included, and reveals nothing", () => {
    const state = createMatch(config(), { handCap: 100 });
    startHand(state, headsUpDeck(["Ah", "Ad"], ["7c", "2d"], BLANK_BOARD), COMMITMENT);
    act(state, 0, "raise", { amount: 100 });
    const result = resultOf(act(state, 1, "fold"));
    expect(result).toMatchObject({
      winner_seats: [0],
      pot: 120,
      payouts: [{ seat: 0, amount: 120 }],
      showdown: [],
      stacks: [2020, 1980],
      deck_reveal: null,
    });
    for (const card of ["Ah", "Ad", "7c", "2d"]) expect(JSON.stringify(result)).not.toContain(card);
  });

  it("splits a tied pot equally and gives the odd chip to the lowest seat", () => {
    const royalBoard = ["As", "Ks", "Qs", "Js", "Ts"];
    const deck = threeSeatDeck(
      [
        ["2c", "3d"],
        ["4c", "5d"],
        ["6c", "7d"],
      ],
      royalBoard,
    );
    const state = matchWithStacks([1000, 1000, 1000], deck, { small_blind: 5, big_blind: 10 });
    act(state, 0, "call");
    act(state, 1, "fold");
    act(state, 2, "check");
    act(state, 2, "check");
    act(state, 0, "check");
    act(state, 2, "check");
    act(state, 0, "check");
    act(state, 2, "check");
    const result = resultOf(act(state, 0, "check"));
    expect(result.pot).toBe(25);
    expect(result.winner_seats).toEqual([0, 2]);
    expect(result.payouts).toEqual([
      { seat: 0, amount: 13 },
      { seat: 2, amount: 12 },
    ]);
    expect(result.showdown.map((s) => [s.seat, s.hand_rank])).toEqual([
      [0, "Straight Flush"],
      [2, "Straight Flush"],
    ]);
  });

  it("pays side pots among three seats as net payouts and eliminates the busted seat", () => {
    const deck = threeSeatDeck(
      [
        ["Ah", "Ad"],
        ["Kh", "Kd"],
        ["Qh", "Qd"],
      ],
      BLANK_BOARD,
    );
    const state = matchWithStacks([100, 300, 300], deck);
    act(state, 0, "raise", { amount: 100 });
    act(state, 1, "raise", { amount: 300 });
    const result = resultOf(act(state, 2, "call"));
    // Main pot 300 (100 × 3) to seat 0; side pot 400 (200 × 2) to seat 1.
    expect(result).toMatchObject({
      winner_seats: [0, 1],
      pot: 700,
      payouts: [
        { seat: 0, amount: 300 },
        { seat: 1, amount: 400 },
      ],
      stacks: [300, 400, 0],
    });
    expect(result.showdown.map((s) => s.seat)).toEqual([0, 1, 2]);
    expect(state.eliminated).toEqual([2]);
    expect(matchOver(state)).toBeNull();
  });
});

describe("match end", () => {
  it("ranks seats busted in the same hand by the stack they started it with", () => {
    const deck = threeSeatDeck(
      [
        ["Qh", "Qd"],
        ["Kh", "Kd"],
        ["Ah", "Ad"],
      ],
      BLANK_BOARD,
    );
    const state = matchWithStacks([100, 200, 1000], deck);
    act(state, 0, "raise", { amount: 100 });
    act(state, 1, "raise", { amount: 200 });
    act(state, 2, "call");
    expect(matchOver(state)).toEqual({ reason: "elimination" });
    const summary = matchSummary(state);
    expect(summary.finishing_order).toEqual([
      { place: 1, seat: 2 },
      { place: 2, seat: 1 },
      { place: 3, seat: 0 },
    ]);
    expect(summary.results.map((r) => r.final_stack)).toEqual([0, 0, 1300]);
    expect(() => startHand(state, stackedDeck([]), COMMITMENT)).toThrow(/over/);
  });

  it("stops at the hand-count safety cap and ranks by chips", () => {
    const state = createMatch(config(), { handCap: 2 });
    startHand(state, stackedDeck([]), COMMITMENT);
    act(state, 0, "fold");
    expect(matchOver(state)).toBeNull();
    startHand(state, stackedDeck([]), COMMITMENT);
    act(state, 1, "raise", { amount: 100 });
    act(state, 0, "fold");
    expect(matchOver(state)).toEqual({ reason: "safety_limit" });
    const summary = matchSummary(state);
    expect(summary).toEqual({
      results: [
        { seat: 0, final_stack: 1970, net_chips: -30, hands_won: 0 },
        { seat: 1, final_stack: 2030, net_chips: 30, hands_won: 2 },
      ],
      finishing_order: [
        { place: 1, seat: 1 },
        { place: 2, seat: 0 },
      ],
      total_hands_played: 2,
      safety_limit_reached: true,
    });
    expect(() => startHand(state, stackedDeck([]), COMMITMENT)).toThrow(/over/);
  });

  it("refuses to deal a hand while one is in progress", () => {
    const state = createMatch(config(), { handCap: 10 });
    startHand(state, stackedDeck([]), COMMITMENT);
    expect(() => startHand(state, stackedDeck([]), COMMITMENT)).toThrow(/in progress/);
  });

  it("refuses configs outside §6.3", () => {
    expect(() => createMatch(config({ num_players: 7 }), { handCap: 10 })).toThrow();
    expect(() => createMatch(config({ big_blind: 5 }), { handCap: 10 })).toThrow();
    expect(() => createMatch(config({ small_blind: 2.5 }), { handCap: 10 })).toThrow();
    expect(() => createMatch(config(), { handCap: 0 })).toThrow();
  });
});
