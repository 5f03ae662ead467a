/**
 * Seat-level helpers of a hand the engine shares: the next seat round the table, who can
 * still act or owes an action, chips put in, and the `action_history` entries.
 */
import type { HandState, HistoryAction, MatchState } from "./types.ts";

/** The first seat after `from` (clockwise, wrapping, `from` itself last) that matches. */
export function nextSeat(
  from: number,
  seats: number,
  matches: (seat: number) => boolean,
): number | null {
  for (let step = 1; step <= seats; step++) {
    const seat = (from + step) % seats;
    if (matches(seat)) return seat;
  }
  return null;
}

/** A seat that still has decisions to make in this hand: dealt, not folded, chips behind. */
export function canAct(state: MatchState, hand: HandState, seat: number): boolean {
  return (hand.dealt[seat] ?? false) && !hand.folded[seat] && (state.stacks[seat] ?? 0) > 0;
}

export function countCanAct(state: MatchState, hand: HandState): number {
  let n = 0;
  for (let seat = 0; seat < state.stacks.length; seat++) if (canAct(state, hand, seat)) n++;
  return n;
}

/**
 * Whether `seat` owes an action on this street: it faces a bet, or it has not acted yet and
 * someone else could still answer it (a lone seat facing only all-ins has nothing to decide).
 */
export function needsAction(state: MatchState, hand: HandState, seat: number): boolean {
  if (!canAct(state, hand, seat)) return false;
  if ((hand.street_bets[seat] ?? 0) < hand.current_bet) return true;
  return !hand.acted[seat] && countCanAct(state, hand) >= 2;
}

export function isLive(hand: HandState, seat: number): boolean {
  return (hand.dealt[seat] ?? false) && !hand.folded[seat];
}

/** Moves `amount` chips from seat's stack into the pot (and its street bet unless an ante). */
export function putIn(
  state: MatchState,
  hand: HandState,
  seat: number,
  amount: number,
  ante: boolean,
) {
  state.stacks[seat] = (state.stacks[seat] ?? 0) - amount;
  hand.committed[seat] = (hand.committed[seat] ?? 0) + amount;
  if (!ante) hand.street_bets[seat] = (hand.street_bets[seat] ?? 0) + amount;
}

/** Appends an `action_history` entry in the hand's current phase. */
export function record(
  hand: HandState,
  seat: number,
  action: HistoryAction,
  amount: number,
  isTimeout: boolean,
): void {
  hand.action_history.push({ seat, action, amount, phase: hand.phase, is_timeout: isTimeout });
}
