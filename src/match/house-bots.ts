/**
 * House bots: server-side players that fill a seat without a socket. Each strategy sees
 * exactly what a remote bot's `turn_request` carries (its `TurnView`) and answers with a
 * `turn_action`'s `action` and `params`, which then go through the same engine path.
 */
import { ALL_CARDS, evaluate5, HAND_RANK_NAMES, type TurnView } from "../poker/index.ts";

/** The strategies a `bots.house_strategy` may name. */
export const HOUSE_STRATEGIES = ["calling_station", "random", "hand_strength"] as const;
export type HouseStrategy = (typeof HOUSE_STRATEGIES)[number];

export function isHouseStrategy(name: string | null): name is HouseStrategy {
  return HOUSE_STRATEGIES.some((s) => s === name);
}

/** What a house bot decides: the same fields a remote bot sends in `turn_action`. */
export interface HouseDecision {
  action: string;
  params: { amount?: number };
}

/** Decides a house bot's action; `random` returns a number in [0, 1). */
export function decideHouseAction(
  strategy: HouseStrategy,
  view: TurnView,
  random: () => number = Math.random,
): HouseDecision {
  switch (strategy) {
    case "calling_station":
      return callingStation(view);
    case "random":
      return randomLegal(view, random);
    case "hand_strength":
      return handStrength(view, random);
  }
}

const offers = (view: TurnView, action: string) => view.valid_actions.some((a) => a === action);

/** Never folds when it can stay in: check when free, else call. */
function callingStation(view: TurnView): HouseDecision {
  if (offers(view, "check")) return { action: "check", params: {} };
  if (offers(view, "call")) return { action: "call", params: {} };
  return { action: "fold", params: {} };
}

/** A uniformly random legal action; a raise picks a uniform amount within the bounds. */
function randomLegal(view: TurnView, random: () => number): HouseDecision {
  const action = view.valid_actions[Math.floor(random() * view.valid_actions.length)] ?? "fold";
  if (action !== "raise") return { action, params: {} };
  const { min_raise, max_raise } = view.state;
  return {
    action,
    params: { amount: min_raise + Math.floor(random() * (max_raise - min_raise + 1)) },
  };
}

/**
 * Bets by a simple strength score in [0, 1]: preflop from the hole cards, afterwards from
 * the made hand's category. Strong hands raise (a pot-sized total, clamped by the engine),
 * medium hands call small bets, weak hands check or fold.
 */
function handStrength(view: TurnView, random: () => number): HouseDecision {
  const { state } = view;
  const strength =
    state.board.length === 0
      ? preflopStrength(state.your_hole_cards)
      : madeHandStrength([...state.your_hole_cards, ...state.board]);
  const potOdds = state.to_call / Math.max(1, state.pot + state.to_call);
  if (strength >= 0.75 && offers(view, "raise")) {
    const target = state.to_call + state.pot + (state.max_raise - state.your_stack);
    return { action: "raise", params: { amount: Math.max(state.min_raise, target) } };
  }
  // A little noise keeps it from being perfectly exploitable.
  if (strength + random() * 0.1 >= potOdds + 0.25 && offers(view, "call")) {
    return { action: "call", params: {} };
  }
  if (offers(view, "check")) return { action: "check", params: {} };
  return { action: "fold", params: {} };
}

const RANK_ORDER = "23456789TJQKA";

/** A Chen-like preflop score scaled to [0, 1]. */
export function preflopStrength(hole: readonly string[]): number {
  const [a, b] = hole;
  if (!a || !b) return 0;
  const ra = RANK_ORDER.indexOf(a[0] ?? "");
  const rb = RANK_ORDER.indexOf(b[0] ?? "");
  const high = Math.max(ra, rb);
  const low = Math.min(ra, rb);
  let score = high / 12;
  if (ra === rb) score = 0.5 + (ra / 12) * 0.5;
  else {
    if (a[1] === b[1]) score += 0.1;
    if (high - low === 1) score += 0.05;
    score -= (high - low) * 0.02;
  }
  return Math.min(1, Math.max(0, score));
}

/** Strength of each made-hand category, indexed like HAND_RANK_NAMES. */
const MADE_HAND_STRENGTH = [0.2, 0.5, 0.75, 0.85, 0.9, 0.92, 0.96, 0.99, 1] as const;

/**
 * The best made hand among 5–7 known cards, scored by category. The engine's hand values
 * carry the category in the bits above 20 (see the poker evaluator).
 */
export function madeHandStrength(cards: readonly string[]): number {
  const codes = cards.map((card) => ALL_CARDS.indexOf(card));
  let best = 0;
  for (const five of combinations(codes, 5)) best = Math.max(best, evaluate5(five));
  const category = Math.min(best >> 20, HAND_RANK_NAMES.length - 1);
  return MADE_HAND_STRENGTH[category] ?? 0;
}

function* combinations(items: readonly number[], k: number, start = 0): Generator<number[]> {
  if (k === 0) {
    yield [];
    return;
  }
  for (let i = start; i <= items.length - k; i++) {
    for (const rest of combinations(items, k - 1, i + 1)) yield [items[i] ?? 0, ...rest];
  }
}
