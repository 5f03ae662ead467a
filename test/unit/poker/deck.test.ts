// Proves the deck commit–reveal (§6.13): fresh decks are CSPRNG-seeded permutations of the 52
// cards, the shuffle is uniform (chi-square over where a card lands), the commitment is the
// SHA-256 of seed + cards, and the engine refuses decks that are not a permutation.
import { describe, expect, it } from "vitest";
import {
  ALL_CARDS,
  assertValidDeck,
  createMatch,
  deckCommitment,
  isCard,
  newDeck,
  startHand,
} from "../../../src/poker/index.ts";
import { COMMITMENT, config, SEED } from "./helpers.ts";

describe("deck", () => {
  it("draws a 64-hex seed and a permutation of the 52 cards, different every hand", () => {
    const a = newDeck();
    const b = newDeck();
    for (const deck of [a, b]) {
      expect(deck.seed).toMatch(/^[0-9a-f]{64}$/);
      expect([...deck.deck_order].sort()).toEqual([...ALL_CARDS].sort());
      expect(deck.deck_order.every(isCard)).toBe(true);
    }
    expect(a.seed).not.toBe(b.seed);
    expect(a.deck_order).not.toEqual(b.deck_order);
  });

  it("shuffles uniformly: the ace of spades lands in each position equally often", () => {
    const decks = 26_000;
    const positions = new Array<number>(52).fill(0);
    for (let i = 0; i < decks; i++) {
      const at = newDeck().deck_order.indexOf("As");
      positions[at] = (positions[at] ?? 0) + 1;
    }
    const expected = decks / 52;
    const chiSquare = positions.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    // 51 degrees of freedom: P(chi² > 110) ≈ 5e-6, so a fair shuffle essentially never fails
    // while a biased one (e.g. modulo bias, off-by-one swap) lands far above.
    expect(chiSquare).toBeLessThan(110);
  });

  it("commits with SHA-256 over the UTF-8 text seed_hex + joined cards", async () => {
    const deck = { seed: SEED, deck_order: [...ALL_CARDS] };
    const text = new TextEncoder().encode(SEED + ALL_CARDS.join(""));
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", text));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    expect(deckCommitment(deck)).toBe(hex);
    expect(deckCommitment({ ...deck, seed: "0".repeat(64) })).not.toBe(hex);
  });

  it("refuses decks with a bad seed, a repeated or missing card, or a bad commitment", () => {
    const good = { seed: SEED, deck_order: [...ALL_CARDS] };
    expect(() => assertValidDeck(good)).not.toThrow();
    expect(() => assertValidDeck({ ...good, seed: "XYZ" })).toThrow(/seed/);
    const repeated = [...ALL_CARDS.slice(0, 51), "2c"];
    expect(() => assertValidDeck({ ...good, deck_order: repeated })).toThrow(/52/);
    expect(() => assertValidDeck({ ...good, deck_order: ALL_CARDS.slice(1) })).toThrow(/52/);
    const state = createMatch(config(), { handCap: 10 });
    expect(() => startHand(state, { ...good, deck_order: repeated }, COMMITMENT)).toThrow();
    expect(() => startHand(state, good, "not-hex")).toThrow(/commitment/);
    expect(state.hand).toBeNull();
  });
});
