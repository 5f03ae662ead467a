/**
 * Per-seat views: exactly the Layer 2 payloads a seat may see. Hole cards of other seats
 * never appear here; they leave the engine only in a contested showdown's `round_result`.
 */
import { raiseBounds, validActions } from "./betting.ts";
import { sum } from "./pots.ts";
import type { HandState, MatchState, RoundResult, RoundStartState, TurnView } from "./types.ts";

function dealtHand(state: MatchState): HandState {
  if (state.hand === null) throw new Error("no hand has been dealt");
  return state.hand;
}

/** `round_start.state` for `seat` (§6.4). */
export function roundStartView(state: MatchState, seat: number): RoundStartState {
  const hand = dealtHand(state);
  return {
    hand_number: hand.hand_number,
    dealer_seat: hand.dealer_seat,
    your_hole_cards: [...(hand.hole_cards[seat] ?? [])],
    pot: sum(hand.start_stacks) - sum(hand.post_blind_stacks),
    post_blind_stacks: [...hand.post_blind_stacks],
    stacks: [...hand.start_stacks],
    deck_commitment: hand.deck_commitment,
  };
}

/** `turn_request.valid_actions` and `.state` for `seat` (§6.5), with `your_seat`/`dealer_seat`. */
export function turnView(state: MatchState, seat: number): TurnView {
  const hand = dealtHand(state);
  const [minRaise, maxRaise] = raiseBounds(state, seat);
  return {
    valid_actions: validActions(state, seat),
    state: {
      hand_number: hand.hand_number,
      phase: hand.phase,
      board: [...hand.board],
      your_hole_cards: [...(hand.hole_cards[seat] ?? [])],
      pot: sum(hand.committed),
      your_stack: state.stacks[seat] ?? 0,
      opponent_stacks: state.stacks.filter((_, other) => other !== seat),
      to_call: hand.current_bet - (hand.street_bets[seat] ?? 0),
      min_raise: minRaise,
      max_raise: maxRaise,
      action_history: hand.action_history.map((entry) => ({ ...entry })),
      your_seat: seat,
      dealer_seat: hand.dealer_seat,
    },
  };
}

/** The last settled hand's `round_result.result` as spectators get it: with the deck reveal. */
export function spectatorRoundResult(state: MatchState): RoundResult | null {
  const hand = state.hand;
  if (hand === null || hand.result === null) return null;
  return {
    ...structuredClone(hand.result),
    deck_reveal: { seed: hand.deck.seed, deck_order: [...hand.deck.deck_order] },
  };
}
