/**
 * A hand-strength bot: rates its two cards preflop (a simplified Chen score) and
 * its made hand after the flop, then raises strong hands, calls fair prices and
 * folds the rest. One instance per match (a factory), so nothing leaks between matches.
 *
 *   BOTGATE_BOT_ID=… BOTGATE_TOKEN=… npm run botgate -- bot run examples/hand-strength.ts
 */
import type { BotFactory, Decision, TurnRequest } from "botgate/client";

const RANKS = "23456789TJQKA";
const rank = (card: string) => RANKS.indexOf(card[0] ?? "2") + 2;

/** 0–1: how good two hole cards are before the flop. */
export function preflopStrength([a = "2c", b = "7d"]: string[]): number {
  const [hi, lo] = [Math.max(rank(a), rank(b)), Math.min(rank(a), rank(b))];
  let score = hi >= 14 ? 10 : hi === 13 ? 8 : hi === 12 ? 7 : hi === 11 ? 6 : hi / 2;
  if (hi === lo) score = Math.max(5, score * 2);
  if (a[1] === b[1]) score += 2;
  const gap = hi - lo - 1;
  score -= gap <= 0 ? 0 : gap === 1 ? 1 : gap === 2 ? 2 : gap === 3 ? 4 : 5;
  return Math.max(0, Math.min(1, score / 20));
}

/** 0–1: how good the made hand is, from rank multiplicities and flushes (straights ignored). */
export function madeStrength(hole: string[], board: string[]): number {
  const counts = new Map<number, number>();
  for (const card of [...hole, ...board]) counts.set(rank(card), (counts.get(rank(card)) ?? 0) + 1);
  const groups = [...counts.values()].sort((x, y) => y - x);
  const suits = new Map<string, number>();
  for (const card of [...hole, ...board])
    suits.set(card[1] ?? "", (suits.get(card[1] ?? "") ?? 0) + 1);
  if (Math.max(...suits.values()) >= 5) return 0.9;
  if ((groups[0] ?? 0) >= 4) return 0.97;
  if ((groups[0] ?? 0) === 3 && (groups[1] ?? 0) >= 2) return 0.95;
  if ((groups[0] ?? 0) === 3) return 0.75;
  if ((groups[0] ?? 0) === 2 && (groups[1] ?? 0) === 2) return 0.65;
  if ((groups[0] ?? 0) === 2) {
    const pairRank = [...counts].find(([, n]) => n === 2)?.[0] ?? 0;
    const topBoard = Math.max(0, ...board.map(rank));
    return pairRank >= topBoard ? 0.55 : 0.4;
  }
  return 0.15 + Math.max(...hole.map(rank)) / 100;
}

export function decide(turn: TurnRequest): Decision {
  const { state, valid_actions: valid } = turn;
  const strength =
    state.board.length === 0
      ? preflopStrength(state.your_hole_cards)
      : madeStrength(state.your_hole_cards, state.board);
  const price = state.to_call / Math.max(1, state.pot + state.to_call);
  if (valid.includes("raise") && strength > 0.6) {
    // A pot-sized raise: call first, then add the pot as it stands after the call.
    const ownStreetBet = state.max_raise - state.your_stack;
    const target = ownStreetBet + 2 * state.to_call + state.pot;
    return {
      action: "raise",
      amount: Math.min(state.max_raise, Math.max(state.min_raise, target)),
    };
  }
  if (valid.includes("check")) return { action: "check" };
  return strength >= price ? { action: "call" } : { action: "fold" };
}

const handStrength: BotFactory = () => ({ decide });

export default handStrength;
