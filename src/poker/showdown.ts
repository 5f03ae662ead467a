/**
 * The end of a hand (§6.12): the showdown among the live seats, the pots paid out, the
 * seats busted in order, and the `round_result`.
 */
import { describeHand } from "./evaluator.ts";
import { settlePot, sum } from "./pots.ts";
import { isLive } from "./seats.ts";
import type { EngineEvent, HandState, MatchState, ShowdownEntry } from "./types.ts";

/** Ends the hand: showdown if two or more seats are live, payouts, eliminations. */
export function settle(state: MatchState, hand: HandState): EngineEvent {
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
