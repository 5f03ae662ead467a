/**
 * The per-hand deck and its commit–reveal (§6.13): a CSPRNG seed, an unbiased shuffle, and
 * `deck_commitment = SHA-256(seed_hex + join(deck_order))` as lowercase hex.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { randomHex } from "../lib/crypto.ts";
import { ALL_CARDS, isCard } from "./cards.ts";
import type { DeckReveal } from "./types.ts";

/**
 * A uniform index in [0, bound) from a CSPRNG draw: draws at or above the largest multiple
 * of `bound` below 2^32 are redrawn (rejection sampling), so there is no modulo bias.
 */
function unbiased(draw: number, bound: number): number {
  const limit = 2 ** 32 - (2 ** 32 % bound);
  let value = draw;
  while (value >= limit) value = crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
  return value % bound;
}

/** A fresh deck for one hand: 32 CSPRNG bytes of seed and a Fisher–Yates shuffle. */
export function newDeck(): DeckReveal {
  const deck = [...ALL_CARDS];
  const draws = crypto.getRandomValues(new Uint32Array(deck.length));
  for (let i = deck.length - 1; i > 0; i--) {
    const j = unbiased(draws[i] ?? 0, i + 1);
    const card = deck[i] as string;
    deck[i] = deck[j] as string;
    deck[j] = card;
  }
  return { seed: randomHex(32), deck_order: deck };
}

/**
 * `SHA-256(seed_hex + join(deck_order))` over the UTF-8 text, as 64 lowercase hex chars.
 * Synchronous (not WebCrypto's async digest), so the transaction that ends a hand can deal
 * the next one (src/match/room/hands.ts).
 */
export function deckCommitment(deck: DeckReveal): string {
  return bytesToHex(sha256(utf8ToBytes(deck.seed + deck.deck_order.join(""))));
}

/** Throws unless `deck` is a 64-hex seed and a permutation of the 52 cards. */
export function assertValidDeck(deck: DeckReveal): void {
  if (!/^[0-9a-f]{64}$/.test(deck.seed)) throw new Error("deck seed must be 64 lowercase hex");
  const seen = new Set(deck.deck_order);
  if (deck.deck_order.length !== 52 || seen.size !== 52 || !deck.deck_order.every(isCard)) {
    throw new Error("deck_order must be the 52 distinct cards");
  }
}
