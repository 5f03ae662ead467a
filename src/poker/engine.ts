/**
 * The No-Limit Hold'em state machine the match object drives: seat-indexed for 2–6 seats,
 * every rule of §6.10–§6.12. All state lives in a plain `MatchState` that the caller stores
 * after every call; functions here mutate it in place and return the frames' payloads:
 * dealing a hand and applying actions. The match as a whole is in match-state.ts, what a
 * seat may do in betting.ts, the streets and the showdown in streets.ts and showdown.ts.
 */
import { raiseBounds, validActions } from "./betting.ts";
import { assertValidDeck } from "./deck.ts";
import { handInProgress, matchOver } from "./match-state.ts";
import { sum } from "./pots.ts";
import { isLive, needsAction, nextSeat, putIn, record } from "./seats.ts";
import { settle } from "./showdown.ts";
import { finishBetting } from "./streets.ts";
import type {
  Action,
  ApplyResult,
  DeckReveal,
  EngineEvent,
  HandState,
  HistoryAction,
  MatchState,
} from "./types.ts";

/**
 * Deals the next hand: moves the button to the next seat with chips (seat 0 on the first
 * hand), deals hole cards one at a time from the left of the button, posts the blinds (heads
 * up, the button posts the small blind) and then the antes, each capped at the stack. Returns
 * the events when nobody can act at all (every seat all-in from its posts): the run-out and
 * the result; otherwise `[]` and `actingSeat` names the first seat to act.
 */
export function startHand(state: MatchState, deck: DeckReveal, commitment: string): EngineEvent[] {
  if (handInProgress(state)) throw new Error("a hand is already in progress");
  if (matchOver(state) !== null) throw new Error("the match is over");
  assertValidDeck(deck);
  if (!/^[0-9a-f]{64}$/.test(commitment)) throw new Error("commitment must be 64 lowercase hex");
  const seats = state.stacks.length;
  const { small_blind, big_blind, ante } = state.config;
  const hasChips = (seat: number) => (state.stacks[seat] ?? 0) > 0;
  const previous = state.hand?.dealer_seat ?? seats - 1;
  const dealer = nextSeat(previous, seats, hasChips) ?? 0;
  const dealt = state.stacks.map((stack) => stack > 0);
  const headsUp = dealt.filter(Boolean).length === 2;
  const smallBlind = headsUp ? dealer : (nextSeat(dealer, seats, hasChips) ?? dealer);
  const bigBlind = nextSeat(smallBlind, seats, hasChips) ?? smallBlind;

  const holeCards: string[][] = state.stacks.map(() => []);
  let position = 0;
  for (let pass = 0; pass < 2; pass++) {
    let seat = dealer;
    do {
      seat = (seat + 1) % seats;
      if (dealt[seat]) holeCards[seat]?.push(deck.deck_order[position++] ?? "");
    } while (seat !== dealer);
  }

  const zeros = () => new Array<number>(seats).fill(0);
  const hand: HandState = {
    hand_number: state.hands_played + 1,
    dealer_seat: dealer,
    deck: { seed: deck.seed, deck_order: [...deck.deck_order] },
    deck_commitment: commitment,
    phase: "preflop",
    dealt,
    hole_cards: holeCards,
    board: [],
    start_stacks: [...state.stacks],
    post_blind_stacks: [],
    committed: zeros(),
    street_bets: zeros(),
    folded: new Array<boolean>(seats).fill(false),
    acted: new Array<boolean>(seats).fill(false),
    bet_when_acted: zeros(),
    current_bet: 0,
    raise_increment: big_blind,
    to_act: null,
    action_history: [],
    result: null,
  };
  state.hand = hand;
  state.hands_played = hand.hand_number;

  const post = (seat: number, amount: number, action: HistoryAction, isAnte: boolean) => {
    const chips = Math.min(amount, state.stacks[seat] ?? 0);
    putIn(state, hand, seat, chips, isAnte);
    record(hand, seat, action, chips, false);
  };
  post(smallBlind, small_blind, "post_small_blind", false);
  post(bigBlind, big_blind, "post_big_blind", false);
  if (ante > 0) {
    for (let seat = 0; seat < seats; seat++) {
      if (dealt[seat] && (state.stacks[seat] ?? 0) > 0) post(seat, ante, "post_ante", true);
    }
  }
  hand.post_blind_stacks = [...state.stacks];
  hand.current_bet = Math.max(...hand.street_bets);
  hand.to_act = nextSeat(bigBlind, seats, (seat) => needsAction(state, hand, seat));
  return hand.to_act === null ? finishBetting(state, hand) : [];
}

function quoteList(actions: readonly string[]): string {
  return `[${actions.map((a) => `'${a}'`).join(", ")}]`;
}

/** The raise-to amount a bot sent: a finite number (floored), else null. */
function requestedAmount(params: unknown): number | null {
  if (typeof params !== "object" || params === null || !("amount" in params)) return null;
  const amount = params.amount;
  return typeof amount === "number" && Number.isFinite(amount) ? Math.floor(amount) : null;
}

/**
 * Applies `seat`'s action. Rejections (§5.4.9) leave the state untouched: an action outside
 * `valid_actions` (`all_in`, `bet`, anything), a `raise` without a numeric `amount`, a seat
 * acting out of turn. A raise amount out of range is clamped, never rejected; `params` is
 * ignored for fold/check/call. On success the events run up to the next decision: the
 * `turn_result`, any `phase_change`s, and the `round_result` if the hand ended.
 */
export function applyAction(
  state: MatchState,
  seat: number,
  action: string,
  params: unknown,
  isTimeout = false,
): ApplyResult {
  const hand = state.hand;
  if (hand === null || hand.result !== null) {
    return { ok: false, reason: "No hand is in progress", valid_actions: [] };
  }
  if (hand.to_act !== seat) {
    return { ok: false, reason: `It is not seat ${seat}'s turn`, valid_actions: [] };
  }
  const valid = validActions(state, seat);
  const chosen = valid.find((a) => a === action);
  if (chosen === undefined) {
    return {
      ok: false,
      reason: `Action '${action}' is not valid. Valid actions: ${quoteList(valid)}`,
      valid_actions: valid,
    };
  }
  let amount = 0;
  if (chosen === "raise") {
    const requested = requestedAmount(params);
    if (requested === null) {
      return {
        ok: false,
        reason: `Action 'raise' needs a numeric params.amount. Valid actions: ${quoteList(valid)}`,
        valid_actions: valid,
      };
    }
    const [min, max] = raiseBounds(state, seat);
    amount = Math.min(max, Math.max(min, requested));
  }
  return { ok: true, events: act(state, hand, seat, chosen, amount, isTimeout) };
}

/** The auto-action of a missed turn (§5.8): `check` if free, else `fold`; `is_timeout: true`. */
export function applyTimeout(state: MatchState, seat: number): EngineEvent[] {
  const action = validActions(state, seat).includes("check") ? "check" : "fold";
  const result = applyAction(state, seat, action, {}, true);
  if (!result.ok) throw new Error(result.reason);
  return result.events;
}

function act(
  state: MatchState,
  hand: HandState,
  seat: number,
  action: Action,
  raiseTo: number,
  isTimeout: boolean,
): EngineEvent[] {
  const streetBet = hand.street_bets[seat] ?? 0;
  let amount = 0;
  if (action === "fold") {
    hand.folded[seat] = true;
  } else if (action === "call") {
    amount = Math.min(hand.current_bet - streetBet, state.stacks[seat] ?? 0);
    putIn(state, hand, seat, amount, false);
  } else if (action === "raise") {
    amount = raiseTo;
    const big = state.config.big_blind;
    const base = hand.current_bet === 0 ? 0 : Math.max(hand.current_bet, big);
    if (raiseTo - base >= hand.raise_increment) hand.raise_increment = raiseTo - base;
    putIn(state, hand, seat, raiseTo - streetBet, false);
    hand.current_bet = raiseTo;
  }
  hand.acted[seat] = true;
  hand.bet_when_acted[seat] = hand.current_bet;
  record(hand, seat, action, amount, isTimeout);
  const events: EngineEvent[] = [
    {
      type: "turn_result",
      seat,
      details: {
        action,
        amount,
        pot: sum(hand.committed),
        stacks: [...state.stacks],
        is_timeout: isTimeout,
      },
    },
  ];
  const live = hand.dealt.filter((_, s) => isLive(hand, s)).length;
  if (live === 1) {
    events.push(settle(state, hand));
    return events;
  }
  const seats = state.stacks.length;
  hand.to_act = nextSeat(seat, seats, (s) => needsAction(state, hand, s));
  if (hand.to_act === null) events.push(...finishBetting(state, hand));
  return events;
}
