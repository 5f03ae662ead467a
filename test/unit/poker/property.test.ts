// Proves the engine's invariants over 100,000 random hands (seeded, so any failure replays):
// 2–6 seats, random blinds, antes and stacks (many all-ins and side pots), random legal
// actions, timeouts and random illegal attempts. At every decision: chips are conserved, no
// stack goes negative, the pot equals the chips the history says went in, every entry of
// valid_actions is accepted and every other action is rejected without touching the state,
// views never leak another seat's hole cards, and the state round-trips through JSON (play
// continues on the re-parsed copy).
import { describe, expect, it } from "vitest";
import {
  type Action,
  type ActionEntry,
  actingSeat,
  applyAction,
  applyTimeout,
  createMatch,
  type EngineEvent,
  HAND_RANK_NAMES,
  handInProgress,
  type MatchState,
  matchOver,
  matchSummary,
  type RoundResult,
  roundStartView,
  startHand,
  turnView,
} from "../../../src/poker/index.ts";
import { COMMITMENT, randomDeck, seededRandom } from "./helpers.ts";

const HANDS = 100_000;
const SEED = 20261102;
const ALL_ACTIONS: readonly string[] = ["fold", "check", "call", "raise"];
const NEVER_VALID = ["all_in", "bet", "", "Fold", "raise ", "check_fold"];

class Violation extends Error {}

function check(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new Violation(message());
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** The pot as the history alone says: posts, calls, and each raise's increase of the seat's street bet. */
function potFromHistory(history: readonly ActionEntry[], seats: number): number {
  let pot = 0;
  let phase = "preflop";
  let street = new Array<number>(seats).fill(0);
  for (const entry of history) {
    if (entry.phase !== phase) {
      phase = entry.phase;
      street = new Array<number>(seats).fill(0);
    }
    const before = street[entry.seat] ?? 0;
    if (entry.action === "raise") {
      pot += entry.amount - before;
      street[entry.seat] = entry.amount;
    } else {
      pot += entry.amount;
      if (entry.action !== "post_ante") street[entry.seat] = before + entry.amount;
    }
  }
  return pot;
}

interface Tally {
  hands: number;
  decisions: number;
  acceptedAlternatives: number;
  rejections: number;
  timeouts: number;
  showdowns: number;
  splitPots: number;
  sidePots: number;
  eliminations: number;
  matches: number;
}

/** Copies of seat's view data that must not mention other seats' hole cards. */
function checkPrivacy(state: MatchState, seat: number, text: string) {
  state.hand?.hole_cards.forEach((cards, other) => {
    if (other === seat) return;
    for (const card of cards) {
      check(!text.includes(`"${card}"`), () => `seat ${seat} sees ${card} of seat ${other}`);
    }
  });
}

function checkResult(result: RoundResult, state: MatchState, total: number, tally: Tally) {
  check(sum(result.payouts.map((p) => p.amount)) === result.pot, () => "payouts ≠ pot");
  check(
    result.payouts.every((p) => p.amount >= 0),
    () => "negative payout",
  );
  check(sum(result.stacks) === total, () => "chips not conserved after payouts");
  check(JSON.stringify(result.stacks) === JSON.stringify(state.stacks), () => "result stacks");
  check(result.winner_seats.length > 0, () => "no winner");
  check(result.deck_reveal === null, () => "players must not get the reveal");
  const hand = state.hand;
  check(hand !== null, () => "no hand");
  check(result.pot === sum(hand.committed), () => "result pot ≠ committed");
  check(
    result.pot === potFromHistory(result.action_history, state.stacks.length),
    () => "result pot ≠ history",
  );
  const live = hand.folded.filter((folded, seat) => !folded && hand.dealt[seat]).length;
  check((live === 1) === (result.showdown.length === 0), () => "showdown iff contested");
  for (const entry of result.showdown) {
    const cards = [...(hand.hole_cards[entry.seat] ?? []), ...hand.board];
    check(hand.board.length === 5, () => "showdown before the river");
    check((HAND_RANK_NAMES as readonly string[]).includes(entry.hand_rank), () => "bad hand_rank");
    check(
      entry.best_hand.length === 5 && entry.best_hand.every((c) => cards.includes(c)),
      () => "best_hand not from the seat's seven cards",
    );
  }
  if (result.showdown.length > 0) tally.showdowns++;
  if (result.winner_seats.length > 1) tally.splitPots++;
  // A real side pot: three or more seats at showdown that put in different amounts.
  const shown = result.showdown.map((entry) => hand.committed[entry.seat] ?? 0);
  if (shown.length >= 3 && new Set(shown).size > 1) tally.sidePots++;
}

function checkEvents(events: EngineEvent[], state: MatchState, total: number, tally: Tally) {
  for (const event of events) {
    if (event.type === "turn_result") {
      const { pot, stacks } = event.details;
      check(sum(stacks) + pot === total, () => "turn_result pot + stacks ≠ total chips");
      check(
        stacks.every((s) => s >= 0),
        () => "negative stack in turn_result",
      );
    } else if (event.type === "round_result") {
      checkResult(event.result, state, total, tally);
    }
  }
}

/** The seat's view: the §6.2/§6.5 shape rules. */
function checkView(state: MatchState, seat: number) {
  const { valid_actions: valid, state: view } = turnView(state, seat);
  const hand = state.hand;
  check(hand !== null, () => "no hand");
  const has = (a: Action) => valid.includes(a);
  check(valid.length > 0, () => "empty valid_actions for the acting seat");
  check(has("check") === (view.to_call === 0), () => "check iff to_call = 0");
  check(has("fold") === view.to_call > 0 && has("call") === view.to_call > 0, () => "fold/call");
  check(view.your_stack > 0, () => "a turn for an all-in seat");
  check(view.your_stack === state.stacks[seat], () => "your_stack");
  check(view.opponent_stacks.length === state.stacks.length - 1, () => "opponent_stacks");
  check(view.pot === sum(hand.committed), () => "view pot ≠ committed");
  check(
    view.pot === potFromHistory(view.action_history, state.stacks.length),
    () => "pot ≠ history",
  );
  const streetBet = hand.street_bets[seat] ?? 0;
  if (has("raise")) {
    check(view.max_raise === streetBet + view.your_stack, () => "max_raise");
    check(view.min_raise > hand.current_bet, () => "min_raise must exceed the current bet");
    check(view.min_raise <= view.max_raise, () => "min_raise > max_raise");
  } else {
    check(view.min_raise === 0 && view.max_raise === 0, () => "raise bounds without raise");
  }
  checkPrivacy(state, seat, JSON.stringify(view));
  return { valid, view };
}

function roundTrip(state: MatchState): MatchState {
  const text = JSON.stringify(state);
  const copy = JSON.parse(text) as MatchState;
  check(JSON.stringify(copy) === text, () => "state does not round-trip through JSON");
  return copy;
}

function checkChips(state: MatchState, total: number) {
  const inPot = handInProgress(state) ? sum(state.hand?.committed ?? []) : 0;
  check(
    state.stacks.every((s) => s >= 0),
    () => "negative stack",
  );
  check(sum(state.stacks) + inPot === total, () => "chips not conserved");
}

function randomRaiseParams(random: () => number, min: number, max: number): unknown {
  const r = random();
  if (r < 0.25) return { amount: min };
  if (r < 0.45) return { amount: max };
  if (r < 0.8) return { amount: min + random() * (max - min) }; // often fractional
  if (r < 0.9) return { amount: min - 1 - Math.floor(random() * 1000) };
  return { amount: max + 1 + Math.floor(random() * 1000) };
}

function playDecision(state: MatchState, random: () => number, total: number, tally: Tally) {
  const seat = actingSeat(state);
  check(seat !== null, () => "hand in progress with nobody to act");
  const { valid, view } = checkView(state, seat);
  const before = JSON.stringify(state);

  // Everything outside valid_actions is rejected, and a rejection changes nothing.
  for (const action of [
    ...ALL_ACTIONS.filter((a) => !valid.includes(a as Action)),
    ...NEVER_VALID,
  ]) {
    const result = applyAction(state, seat, action, { amount: view.max_raise });
    check(!result.ok, () => `'${action}' accepted though not in ${valid}`);
    check(
      JSON.stringify(result.valid_actions) === JSON.stringify(valid),
      () => "rejection lists other actions",
    );
    tally.rejections++;
  }
  const other = (seat + 1 + Math.floor(random() * (state.stacks.length - 1))) % state.stacks.length;
  check(!applyAction(state, other, valid[0] ?? "fold", {}).ok, () => "acted out of turn");
  if (valid.includes("raise")) {
    check(!applyAction(state, seat, "raise", { amount: "big" }).ok, () => "non-numeric amount");
    check(!applyAction(state, seat, "raise", undefined).ok, () => "missing params");
    tally.rejections += 2;
  }
  check(JSON.stringify(state) === before, () => "a rejection changed the state");

  // Every valid action is accepted (the alternatives on copies of the state).
  const chosen = valid[Math.floor(random() * valid.length)] ?? "fold";
  for (const action of valid) {
    if (action === chosen) continue;
    const copy = JSON.parse(before) as MatchState;
    const params = action === "raise" ? { amount: view.min_raise } : {};
    check(applyAction(copy, seat, action, params).ok, () => `valid '${action}' rejected`);
    tally.acceptedAlternatives++;
  }

  let events: EngineEvent[];
  if (random() < 0.05) {
    events = applyTimeout(state, seat);
    const details = events[0]?.type === "turn_result" ? events[0].details : null;
    check(details?.action === (valid.includes("check") ? "check" : "fold"), () => "timeout");
    check(details?.is_timeout === true, () => "timeout not flagged");
    tally.timeouts++;
  } else {
    const params =
      chosen === "raise"
        ? randomRaiseParams(random, view.min_raise, view.max_raise)
        : random() < 0.5
          ? undefined
          : {};
    const result = applyAction(state, seat, chosen, params);
    check(result.ok, () => `valid '${chosen}' rejected`);
    events = result.events;
    const details = events[0]?.type === "turn_result" ? events[0].details : null;
    check(details !== null && events[0]?.type === "turn_result", () => "no turn_result first");
    if (chosen === "raise") {
      const asked = Math.floor((params as { amount: number }).amount);
      const clamped = Math.min(view.max_raise, Math.max(view.min_raise, asked));
      check(details.amount === clamped, () => `raise ${asked} → ${details.amount}, not ${clamped}`);
    }
    if (chosen === "call") {
      check(
        details.amount === Math.min(view.to_call, view.your_stack),
        () => "call not capped at the stack",
      );
    }
  }
  checkEvents(events, state, total, tally);
  tally.decisions++;
}

function playMatch(random: () => number, tally: Tally) {
  const seats = random() < 0.6 ? 2 : 3 + Math.floor(random() * 4);
  const bigBlind = 2 + Math.floor(random() * 40);
  const smallBlind = Math.max(1, Math.floor(bigBlind * (0.3 + random() * 0.7)));
  const ante = random() < 0.3 ? Math.floor((random() * bigBlind) / 2) : 0;
  const startingStack = bigBlind * (1 + Math.floor(random() * 60)) + Math.floor(random() * 7);
  let state = createMatch(
    {
      variant: "nlhe",
      starting_stack: startingStack,
      small_blind: smallBlind,
      big_blind: bigBlind,
      ante,
      num_players: seats,
    },
    { handCap: 1 + Math.floor(random() * 60) },
  );
  const total = seats * startingStack;
  tally.matches++;
  while (matchOver(state) === null && tally.hands < HANDS) {
    const events = startHand(state, randomDeck(random), COMMITMENT);
    tally.hands++;
    for (let seat = 0; seat < seats; seat++) {
      const start = roundStartView(state, seat);
      check(start.pot === sum(start.stacks) - sum(start.post_blind_stacks), () => "start pot");
      checkPrivacy(state, seat, JSON.stringify(start));
    }
    checkEvents(events, state, total, tally);
    checkChips(state, total);
    state = roundTrip(state);
    while (handInProgress(state)) {
      playDecision(state, random, total, tally);
      checkChips(state, total);
      state = roundTrip(state);
    }
  }
  const over = matchOver(state);
  if (over !== null) {
    const summary = matchSummary(state);
    check(summary.finishing_order.length === seats, () => "finishing order misses seats");
    check(sum(summary.results.map((r) => r.net_chips)) === 0, () => "net chips do not cancel");
    if (over.reason === "elimination") tally.eliminations++;
  }
}

describe("engine properties over random hands", () => {
  it(`hold for ${HANDS.toLocaleString("en")} random hands with random legal and illegal actions`, () => {
    const random = seededRandom(SEED);
    const tally: Tally = {
      hands: 0,
      decisions: 0,
      acceptedAlternatives: 0,
      rejections: 0,
      timeouts: 0,
      showdowns: 0,
      splitPots: 0,
      sidePots: 0,
      eliminations: 0,
      matches: 0,
    };
    while (tally.hands < HANDS) {
      try {
        playMatch(random, tally);
      } catch (error) {
        if (error instanceof Violation) {
          throw new Error(`${error.message} (seed ${SEED}, hand ${tally.hands})`);
        }
        throw error;
      }
    }
    expect(tally.hands).toBe(HANDS);
    // The sample really exercised the interesting paths.
    expect(tally.showdowns).toBeGreaterThan(1000);
    expect(tally.splitPots).toBeGreaterThan(100);
    expect(tally.sidePots).toBeGreaterThan(100);
    expect(tally.eliminations).toBeGreaterThan(100);
    expect(tally.timeouts).toBeGreaterThan(1000);
    expect(tally.acceptedAlternatives).toBeGreaterThan(tally.hands);
    expect(tally.rejections).toBeGreaterThan(tally.decisions * 6);
    console.info("poker property tally", tally);
    // CPU-bound: about a minute alone, several on a loaded machine; the bound is only for a hang.
  }, 900_000);
});
