/**
 * The No-Limit Hold'em state machine the match object drives: seat-indexed for 2–6 seats,
 * every rule of §6.10–§6.12. All state lives in a plain `MatchState` that the caller stores
 * after every call; functions here mutate it in place and return the frames' payloads.
 */
import { assertValidDeck } from "./deck.ts";
import { describeHand } from "./evaluator.ts";
import { settlePot, sum } from "./pots.ts";
import type {
  Action,
  ApplyResult,
  DeckReveal,
  EngineEvent,
  GameConfig,
  HandState,
  HistoryAction,
  MatchOver,
  MatchState,
  MatchSummary,
  Phase,
  ShowdownEntry,
} from "./types.ts";

/** Throws unless `config` is a Layer 2 `game_config` this engine can play (§6.3). */
export function assertValidConfig(config: GameConfig): void {
  const ints = [config.starting_stack, config.small_blind, config.big_blind, config.ante];
  if (config.variant !== "nlhe") throw new Error("variant must be nlhe");
  if (!ints.every(Number.isSafeInteger)) throw new Error("chip amounts must be integers");
  if (config.starting_stack <= 0 || config.small_blind <= 0 || config.ante < 0) {
    throw new Error("starting_stack and small_blind must be > 0, ante ≥ 0");
  }
  if (config.big_blind < config.small_blind) throw new Error("big_blind must be ≥ small_blind");
  if (!Number.isInteger(config.num_players) || config.num_players < 2 || config.num_players > 6) {
    throw new Error("num_players must be 2–6");
  }
}

/** A new match: every seat at `starting_stack`, no hand dealt yet. */
export function createMatch(config: GameConfig, options: { handCap: number }): MatchState {
  assertValidConfig(config);
  if (!Number.isInteger(options.handCap) || options.handCap < 1) {
    throw new Error("handCap must be a positive integer");
  }
  const seats = config.num_players;
  return {
    config: { ...config },
    hand_cap: options.handCap,
    stacks: new Array<number>(seats).fill(config.starting_stack),
    hands_won: new Array<number>(seats).fill(0),
    hands_played: 0,
    eliminated: [],
    hand: null,
  };
}

/** True while a hand is dealt and not yet settled. */
export function handInProgress(state: MatchState): boolean {
  return state.hand !== null && state.hand.result === null;
}

/** The seat owed a `turn_request`, or null (no hand, or nobody can act). */
export function actingSeat(state: MatchState): number | null {
  return handInProgress(state) ? (state.hand?.to_act ?? null) : null;
}

/** Why the match is over, or null while another hand should be dealt. */
export function matchOver(state: MatchState): MatchOver | null {
  if (handInProgress(state)) return null;
  if (state.stacks.filter((s) => s > 0).length <= 1) return { reason: "elimination" };
  if (state.hands_played >= state.hand_cap) return { reason: "safety_limit" };
  return null;
}

/**
 * Standings for `match_end`. Seats still holding chips rank by chips (ties: lower seat
 * first), then eliminated seats, last out first. With one survivor, place 1 is the survivor.
 */
export function matchSummary(state: MatchState): MatchSummary {
  const start = state.config.starting_stack;
  const alive = state.stacks
    .map((stack, seat) => ({ stack, seat }))
    .filter((s) => s.stack > 0)
    .sort((a, b) => b.stack - a.stack || a.seat - b.seat)
    .map((s) => s.seat);
  const order = [...alive, ...[...state.eliminated].reverse()];
  return {
    results: state.stacks.map((stack, seat) => ({
      seat,
      final_stack: stack,
      net_chips: stack - start,
      hands_won: state.hands_won[seat] ?? 0,
    })),
    finishing_order: order.map((seat, i) => ({ place: i + 1, seat })),
    total_hands_played: state.hands_played,
    safety_limit_reached: matchOver(state)?.reason === "safety_limit",
  };
}

/** The first seat after `from` (clockwise, wrapping, `from` itself last) that matches. */
function nextSeat(from: number, seats: number, matches: (seat: number) => boolean): number | null {
  for (let step = 1; step <= seats; step++) {
    const seat = (from + step) % seats;
    if (matches(seat)) return seat;
  }
  return null;
}

/** A seat that still has decisions to make in this hand: dealt, not folded, chips behind. */
function canAct(state: MatchState, hand: HandState, seat: number): boolean {
  return (hand.dealt[seat] ?? false) && !hand.folded[seat] && (state.stacks[seat] ?? 0) > 0;
}

function countCanAct(state: MatchState, hand: HandState): number {
  let n = 0;
  for (let seat = 0; seat < state.stacks.length; seat++) if (canAct(state, hand, seat)) n++;
  return n;
}

/**
 * Whether `seat` owes an action on this street: it faces a bet, or it has not acted yet and
 * someone else could still answer it (a lone seat facing only all-ins has nothing to decide).
 */
function needsAction(state: MatchState, hand: HandState, seat: number): boolean {
  if (!canAct(state, hand, seat)) return false;
  if ((hand.street_bets[seat] ?? 0) < hand.current_bet) return true;
  return !hand.acted[seat] && countCanAct(state, hand) >= 2;
}

function isLive(hand: HandState, seat: number): boolean {
  return (hand.dealt[seat] ?? false) && !hand.folded[seat];
}

/** Moves `amount` chips from seat's stack into the pot (and its street bet unless an ante). */
function putIn(state: MatchState, hand: HandState, seat: number, amount: number, ante: boolean) {
  state.stacks[seat] = (state.stacks[seat] ?? 0) - amount;
  hand.committed[seat] = (hand.committed[seat] ?? 0) + amount;
  if (!ante) hand.street_bets[seat] = (hand.street_bets[seat] ?? 0) + amount;
}

/** Appends an `action_history` entry in the hand's current phase. */
function record(
  hand: HandState,
  seat: number,
  action: HistoryAction,
  amount: number,
  isTimeout: boolean,
): void {
  hand.action_history.push({ seat, action, amount, phase: hand.phase, is_timeout: isTimeout });
}

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

/** What `seat` may do now (§6.2); `[]` unless it is that seat's turn. */
export function validActions(state: MatchState, seat: number): Action[] {
  const hand = state.hand;
  if (hand === null || hand.result !== null || hand.to_act !== seat) return [];
  const toCall = hand.current_bet - (hand.street_bets[seat] ?? 0);
  const actions: Action[] = toCall > 0 ? ["fold", "call"] : ["check"];
  if (canRaise(state, hand, seat)) actions.push("raise");
  return actions;
}

/**
 * `raise` is offered when the seat can exceed the top bet, another seat could still answer,
 * and betting is open to it: it has not acted on this street, or it now faces at least one
 * full raise since it did (so an incomplete all-in raise does not reopen it).
 */
function canRaise(state: MatchState, hand: HandState, seat: number): boolean {
  const stack = state.stacks[seat] ?? 0;
  if (stack + (hand.street_bets[seat] ?? 0) <= hand.current_bet) return false;
  const answerable = state.stacks.some((_, other) => other !== seat && canAct(state, hand, other));
  if (!answerable) return false;
  if (!hand.acted[seat]) return true;
  return hand.current_bet - (hand.bet_when_acted[seat] ?? 0) >= hand.raise_increment;
}

/**
 * `[min_raise, max_raise]` as street totals (§6.5), or `[0, 0]` when `raise` is not offered.
 * Below a full bet (a short all-in blind or bet) the next raise is measured from the big blind.
 */
export function raiseBounds(state: MatchState, seat: number): [number, number] {
  const hand = state.hand;
  if (hand === null || !validActions(state, seat).includes("raise")) return [0, 0];
  const max = (hand.street_bets[seat] ?? 0) + (state.stacks[seat] ?? 0);
  const big = state.config.big_blind;
  const min = hand.current_bet === 0 ? big : Math.max(hand.current_bet, big) + hand.raise_increment;
  return [Math.min(min, max), max];
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

const NEXT_PHASE: Record<Phase, Exclude<Phase, "preflop"> | null> = {
  preflop: "flop",
  flop: "turn",
  turn: "river",
  river: null,
};

/**
 * A betting round closed: deals the next street and finds who acts, or, when at most one
 * seat can still bet, runs the board out street by street and settles.
 */
function finishBetting(state: MatchState, hand: HandState): EngineEvent[] {
  const events: EngineEvent[] = [];
  const seats = state.stacks.length;
  for (;;) {
    const next = NEXT_PHASE[hand.phase];
    if (next === null) {
      events.push(settle(state, hand));
      return events;
    }
    dealStreet(hand, next);
    events.push({ type: "phase_change", state: { phase: next, board: [...hand.board] } });
    hand.street_bets.fill(0);
    hand.acted.fill(false);
    hand.bet_when_acted.fill(0);
    hand.current_bet = 0;
    hand.raise_increment = state.config.big_blind;
    if (countCanAct(state, hand) >= 2) {
      hand.to_act = nextSeat(hand.dealer_seat, seats, (s) => needsAction(state, hand, s));
      if (hand.to_act !== null) return events;
    }
  }
}

/** Burn one, then flop ×3 / turn / river, after the 2 × dealt hole cards (§6.13). */
function dealStreet(hand: HandState, phase: Exclude<Phase, "preflop">): void {
  const holeCards = 2 * hand.dealt.filter(Boolean).length;
  const at = (offset: number) => hand.deck.deck_order[holeCards + offset] ?? "";
  if (phase === "flop") hand.board = [at(1), at(2), at(3)];
  else if (phase === "turn") hand.board.push(at(5));
  else hand.board.push(at(7));
  hand.phase = phase;
}

/** Ends the hand: showdown if two or more seats are live, payouts, eliminations. */
function settle(state: MatchState, hand: HandState): EngineEvent {
  const seats = state.stacks.length;
  const liveSeats = [...Array(seats).keys()].filter((seat) => isLive(hand, seat));
  const showdown: ShowdownEntry[] = [];
  const strength: (number | null)[] = new Array<number | null>(seats).fill(null);
  if (liveSeats.length === 1) {
    strength[liveSeats[0] ?? 0] = 0;
  } else {
    for (const seat of liveSeats) {
      const hole = hand.hole_cards[seat] ?? [];
      const described = describeHand([...hole, ...hand.board]);
      strength[seat] = described.value;
      showdown.push({
        seat,
        hole_cards: [...hole],
        hand_rank: described.hand_rank,
        best_hand: described.best_hand,
      });
    }
  }
  const { amounts, winners } = settlePot(hand.committed, strength);
  amounts.forEach((amount, seat) => {
    state.stacks[seat] = (state.stacks[seat] ?? 0) + amount;
  });
  for (const seat of winners) state.hands_won[seat] = (state.hands_won[seat] ?? 0) + 1;
  // Seats busted together: the one that started the hand shorter is out first.
  const busted = [...Array(seats).keys()]
    .filter((seat) => hand.dealt[seat] && state.stacks[seat] === 0)
    .sort((a, b) => (hand.start_stacks[a] ?? 0) - (hand.start_stacks[b] ?? 0) || b - a);
  state.eliminated.push(...busted);
  hand.to_act = null;
  hand.result = {
    hand_number: hand.hand_number,
    winner_seats: winners,
    pot: sum(hand.committed),
    payouts: amounts
      .map((amount, seat) => ({ seat, amount }))
      .filter((p) => p.amount > 0 || winners.includes(p.seat)),
    showdown,
    action_history: hand.action_history.map((entry) => ({ ...entry })),
    stacks: [...state.stacks],
    deck_commitment: hand.deck_commitment,
    deck_reveal: null,
  };
  return { type: "round_result", result: structuredClone(hand.result) };
}
