/**
 * The deck check, in the browser (docs/poker.md, bot protocol §6.13): a hand's
 * `deck_commitment` must be `SHA-256(seed_hex + join(deck_order))` (WebCrypto), the reveal
 * must be a permutation of the 52 cards, and the cards that were dealt must be the ones the
 * reveal puts there: hole cards two passes from the seat left of the dealer, then burn one
 * and deal the flop ×3, burn, turn, burn, river.
 */
export interface DeckReveal {
  seed: string;
  deck_order: string[];
}

export interface HandToCheck {
  dealer_seat: number;
  hole_cards: string[][];
  board: string[] | null;
  deck_commitment: string;
  deck_reveal: unknown;
}

export type DeckVerdict = { ok: true } | { ok: false; why: string };

const CARD = /^[2-9TJQKA][cdhs]$/;

function isReveal(value: unknown): value is DeckReveal {
  const reveal = value as DeckReveal | null;
  return (
    typeof reveal?.seed === "string" &&
    Array.isArray(reveal.deck_order) &&
    reveal.deck_order.every((card) => typeof card === "string")
  );
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Where each card of the hand came from in the deck, by the dealing rule. */
function dealtCards(
  hand: HandToCheck,
  deck: readonly string[],
): { holes: string[][]; board: string[] } {
  const seats = hand.hole_cards.length;
  const dealt = hand.hole_cards.map((cards) => cards.length > 0);
  const holes: string[][] = hand.hole_cards.map(() => []);
  let position = 0;
  for (let pass = 0; pass < 2; pass++) {
    let seat = hand.dealer_seat;
    do {
      seat = (seat + 1) % seats;
      if (dealt[seat]) holes[seat]?.push(deck[position++] ?? "");
    } while (seat !== hand.dealer_seat);
  }
  const at = (offset: number) => deck[position + offset] ?? "";
  return { holes, board: [at(1), at(2), at(3), at(5), at(7)] };
}

export async function checkDeck(hand: HandToCheck): Promise<DeckVerdict> {
  if (!isReveal(hand.deck_reveal)) return { ok: false, why: "no deck reveal" };
  const { seed, deck_order: deck } = hand.deck_reveal;
  if (!/^[0-9a-f]{64}$/.test(seed)) return { ok: false, why: "the seed is not 64 hex digits" };
  if (deck.length !== 52 || new Set(deck).size !== 52 || !deck.every((c) => CARD.test(c))) {
    return { ok: false, why: "the deck is not the 52 distinct cards" };
  }
  if ((await sha256Hex(seed + deck.join(""))) !== hand.deck_commitment) {
    return { ok: false, why: "SHA-256 of the reveal is not the commitment" };
  }
  const expected = dealtCards(hand, deck);
  for (const [seat, cards] of hand.hole_cards.entries()) {
    if (cards.join() !== (expected.holes[seat] ?? []).join()) {
      return { ok: false, why: `seat ${seat}'s hole cards are not the deck's` };
    }
  }
  const board = hand.board ?? [];
  if (board.join() !== expected.board.slice(0, board.length).join()) {
    return { ok: false, why: "the board is not the deck's" };
  }
  return { ok: true };
}
