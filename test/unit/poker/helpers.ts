/** Shared fixtures of the poker tests: stacked decks, a seeded PRNG, quick matches. */
import {
  ALL_CARDS,
  createMatch,
  type DeckReveal,
  type GameConfig,
  type MatchState,
  startHand,
} from "../../../src/poker/index.ts";

/** Any syntactically valid commitment: the engine stores it and never recomputes it. */
export const COMMITMENT = "ab".repeat(32);
export const SEED = "cd".repeat(32);

/** A deck that deals `top` first (in §6.13 deal order), then every other card. */
export function stackedDeck(top: readonly string[]): DeckReveal {
  const rest = ALL_CARDS.filter((card) => !top.includes(card));
  return { seed: SEED, deck_order: [...top, ...rest] };
}

/** Deck order for heads-up: hole cards of [bigBlind, dealer], burn, flop, burn, turn, burn, river. */
export function headsUpDeck(
  dealerHole: [string, string],
  bigBlindHole: [string, string],
  board: string[],
): DeckReveal {
  const burns = ALL_CARDS.filter((c) => ![...dealerHole, ...bigBlindHole, ...board].includes(c));
  const [b1 = "", b2 = "", b3 = ""] = burns;
  const [f1 = "", f2 = "", f3 = "", turn = "", river = ""] = board;
  return stackedDeck([
    bigBlindHole[0],
    dealerHole[0],
    bigBlindHole[1],
    dealerHole[1],
    b1,
    f1,
    f2,
    f3,
    b2,
    turn,
    b3,
    river,
  ]);
}

export function config(overrides: Partial<GameConfig> = {}): GameConfig {
  return {
    variant: "nlhe",
    starting_stack: 2000,
    small_blind: 10,
    big_blind: 20,
    ante: 0,
    num_players: 2,
    ...overrides,
  };
}

/** A match with the given stacks (seat order) and its first hand dealt from `deck`. */
export function matchWithStacks(
  stacks: number[],
  deck: DeckReveal,
  overrides: Partial<GameConfig> = {},
  handCap = 1000,
): MatchState {
  const state = createMatch(config({ num_players: stacks.length, ...overrides }), { handCap });
  state.stacks = [...stacks];
  startHand(state, deck, COMMITMENT);
  return state;
}

/** mulberry32: a small seeded PRNG so random tests replay exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A deck shuffled by `random` (Fisher–Yates), with a seed drawn from it too. */
export function randomDeck(random: () => number): DeckReveal {
  const deck = [...ALL_CARDS];
  for (let i = deck.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [deck[i], deck[j]] = [deck[j] as string, deck[i] as string];
  }
  const seed = Array.from({ length: 64 }, () => "0123456789abcdef"[Math.floor(random() * 16)]);
  return { seed: seed.join(""), deck_order: deck };
}
