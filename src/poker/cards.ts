/**
 * Card notation (§6.1): rank + suit, `2..9 T J Q K A` × `c d h s`. Internally a card is the
 * integer `rank * 4 + suit` (rank 0 = deuce … 12 = ace, suit 0 = c … 3 = s), which is what the
 * evaluator's lookup tables are indexed by.
 */

export const RANKS = "23456789TJQKA";
export const SUITS = "cdhs";

const CARD_PATTERN = /^[2-9TJQKA][cdhs]$/;

/** All 52 cards in a fixed order (deuces first, clubs first within a rank). */
export const ALL_CARDS: readonly string[] = Array.from(
  { length: 52 },
  (_, i) => `${RANKS[i >> 2]}${SUITS[i & 3]}`,
);

const CODE_BY_CARD = new Map(ALL_CARDS.map((card, code) => [card, code]));

export function isCard(text: string): boolean {
  return CARD_PATTERN.test(text);
}

/** Integer code of a card string; throws on anything that is not a card. */
export function cardCode(card: string): number {
  const code = CODE_BY_CARD.get(card);
  if (code === undefined) throw new Error(`not a card: ${JSON.stringify(card)}`);
  return code;
}

/** Card string of an integer code 0–51. */
export function cardText(code: number): string {
  const card = ALL_CARDS[code];
  if (card === undefined) throw new Error(`not a card code: ${code}`);
  return card;
}

export function rankOf(code: number): number {
  return code >> 2;
}

export function suitOf(code: number): number {
  return code & 3;
}
