/**
 * A betting round closed (§6.13): the next street dealt from the deck order and who acts
 * first on it, or the board run out and the hand settled when at most one seat can bet.
 */
import { countCanAct, needsAction, nextSeat } from "./seats.ts";
import { settle } from "./showdown.ts";
import type { EngineEvent, HandState, MatchState, Phase } from "./types.ts";

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
export function finishBetting(state: MatchState, hand: HandState): EngineEvent[] {
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
