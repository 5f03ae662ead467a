/**
 * What the seat to act may do (§6.2, §6.5): its `valid_actions` and the raise bounds, the
 * payload `turn_request` carries and `applyAction` checks against.
 */
import { canAct } from "./seats.ts";
import type { Action, HandState, MatchState } from "./types.ts";

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
