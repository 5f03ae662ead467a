/**
 * Hand evaluation. A hand value is one integer, higher is better:
 * `category << 20 | r0 << 16 | r1 << 12 | r2 << 8 | r3 << 4 | r4`, where `category` indexes
 * HAND_RANK_NAMES and r0…r4 are the ranks of the best five cards in display order (the
 * group of four/three/two first, then kickers high to low; a wheel is 5-4-3-2-A). Comparing
 * values compares hands, and the same integer says which cards make `best_hand`.
 */
import { cardCode, cardText, rankOf, suitOf } from "./cards.ts";
import { HAND_RANK_NAMES, type HandRankName } from "./types.ts";

export const HIGH_CARD = 0;
export const PAIR = 1;
export const TWO_PAIR = 2;
export const THREE_OF_A_KIND = 3;
export const STRAIGHT = 4;
export const FLUSH = 5;
export const FULL_HOUSE = 6;
export const FOUR_OF_A_KIND = 7;
export const STRAIGHT_FLUSH = 8;

/** Packs a category and five display-order ranks into a hand value. */
export function handValue(category: number, ranks: readonly number[]): number {
  let value = category;
  for (let i = 0; i < 5; i++) value = (value << 4) | (ranks[i] ?? 0);
  return value;
}

/** The category (index into HAND_RANK_NAMES) of a hand value. */
export function categoryOf(value: number): number {
  return value >> 20;
}

/** The five display-order ranks packed in a hand value. */
export function ranksOf(value: number): number[] {
  return [16, 12, 8, 4, 0].map((shift) => (value >> shift) & 15);
}

/**
 * Reference 5-card evaluator: plain sorting and counting, written for obviousness. The
 * exhaustive test runs it over all 2,598,960 hands, and the fast 7-card evaluator is checked
 * against the best of the 21 five-card subsets it rates.
 */
export function evaluate5(codes: readonly number[]): number {
  const counts = new Array<number>(13).fill(0);
  const suits = new Set<number>();
  for (const code of codes) {
    counts[rankOf(code)] = (counts[rankOf(code)] ?? 0) + 1;
    suits.add(suitOf(code));
  }
  // Groups ordered by size, then rank: the display order of every non-straight category.
  const groups: { rank: number; count: number }[] = [];
  for (let rank = 12; rank >= 0; rank--) {
    const count = counts[rank] ?? 0;
    if (count > 0) groups.push({ rank, count });
  }
  groups.sort((a, b) => b.count - a.count || b.rank - a.rank);
  const flush = suits.size === 1;
  if (groups.length === 5) {
    const high = groups[0]?.rank ?? 0;
    const low = groups[4]?.rank ?? 0;
    const wheel = high === 12 && groups[1]?.rank === 3;
    if (high - low === 4 || wheel) {
      const ranks = wheel ? [3, 2, 1, 0, 12] : groups.map((g) => g.rank);
      return handValue(flush ? STRAIGHT_FLUSH : STRAIGHT, ranks);
    }
    return handValue(
      flush ? FLUSH : HIGH_CARD,
      groups.map((g) => g.rank),
    );
  }
  const ranks = groups.flatMap((g) => new Array<number>(g.count).fill(g.rank));
  const top = groups[0]?.count ?? 0;
  const second = groups[1]?.count ?? 0;
  if (top === 4) return handValue(FOUR_OF_A_KIND, ranks);
  if (top === 3) return handValue(second === 2 ? FULL_HOUSE : THREE_OF_A_KIND, ranks);
  return handValue(second === 2 ? TWO_PAIR : PAIR, ranks);
}

/**
 * Additive rank keys (from Kenneth Shackleton's SKPokerEval): the sums of any seven ranks, at
 * most four of each, are all distinct, so the sum identifies the rank multiset. The largest
 * sum is 7,825,759; a test re-checks the uniqueness over all 49,205 multisets.
 */
export const RANK_KEYS = [
  0, 1, 5, 22, 98, 453, 2031, 8698, 22854, 83661, 262349, 636345, 1479181,
] as const;

const HASH_BITS = 17;
const HASH_MASK = (1 << HASH_BITS) - 1;
/** Fibonacci hashing multiplier: spreads the rank-key sums over the 2^17-slot table. */
const HASH_MULTIPLIER = 0x9e3779b1;

/** Per card code: its rank key, and its suit as one nibble (suit counts add up per nibble). */
const CARD_RANK_KEY = new Int32Array(52);
const CARD_SUIT_NIBBLE = new Int32Array(52);
for (let code = 0; code < 52; code++) {
  CARD_RANK_KEY[code] = RANK_KEYS[rankOf(code)] ?? 0;
  CARD_SUIT_NIBBLE[code] = 1 << (4 * suitOf(code));
}

/** The highest straight in a 13-bit rank mask as its display ranks, or null. */
function straightIn(mask: number): number[] | null {
  for (let high = 12; high >= 4; high--) {
    const run = 0x1f << (high - 4);
    if ((mask & run) === run) return [high, high - 1, high - 2, high - 3, high - 4];
  }
  const wheel = 0x100f;
  return (mask & wheel) === wheel ? [3, 2, 1, 0, 12] : null;
}

/** The highest `n` ranks set in `mask`, descending. */
function topRanks(mask: number, n: number): number[] {
  const ranks: number[] = [];
  for (let rank = 12; rank >= 0 && ranks.length < n; rank--)
    if (mask & (1 << rank)) ranks.push(rank);
  return ranks;
}

/** Best flush-or-better value of a suit's rank mask (five or more bits). */
function flushValue(mask: number): number {
  const straight = straightIn(mask);
  return straight ? handValue(STRAIGHT_FLUSH, straight) : handValue(FLUSH, topRanks(mask, 5));
}

/** Best value of seven cards with no flush, from how many of each rank they hold. */
function countsValue(counts: readonly number[]): number {
  let present = 0;
  const withCount = (n: number) => {
    const ranks: number[] = [];
    for (let rank = 12; rank >= 0; rank--) if ((counts[rank] ?? 0) >= n) ranks.push(rank);
    return ranks;
  };
  for (let rank = 0; rank < 13; rank++) if ((counts[rank] ?? 0) > 0) present |= 1 << rank;
  const without = (...ranks: number[]) => ranks.reduce((mask, r) => mask & ~(1 << r), present);
  const [quad] = withCount(4);
  if (quad !== undefined)
    return handValue(FOUR_OF_A_KIND, [quad, quad, quad, quad, ...topRanks(without(quad), 1)]);
  const [trips] = withCount(3);
  const pairs = withCount(2).filter((rank) => rank !== trips);
  if (trips !== undefined && pairs[0] !== undefined) {
    const pair = pairs[0];
    return handValue(FULL_HOUSE, [trips, trips, trips, pair, pair]);
  }
  const straight = straightIn(present);
  if (straight) return handValue(STRAIGHT, straight);
  if (trips !== undefined)
    return handValue(THREE_OF_A_KIND, [trips, trips, trips, ...topRanks(without(trips), 2)]);
  const [high, low] = pairs;
  if (high !== undefined && low !== undefined) {
    return handValue(TWO_PAIR, [high, high, low, low, ...topRanks(without(high, low), 1)]);
  }
  if (high !== undefined) return handValue(PAIR, [high, high, ...topRanks(without(high), 3)]);
  return handValue(HIGH_CARD, topRanks(present, 5));
}

interface Tables {
  /** Open-addressed (key, value) pairs: rank-key sum → best non-flush value. */
  ranks: Int32Array;
  /** 13-bit rank mask of the flush suit → best flush or straight flush value. */
  flushes: Int32Array;
}

let tables: Tables | null = null;

/**
 * Builds the lookup tables (about 10 ms, 1 MiB) on first use rather than at import, so a
 * Worker that never reaches a showdown never pays for them.
 */
function buildTables(): Tables {
  const ranks = new Int32Array(2 << HASH_BITS).fill(-1);
  const counts = new Array<number>(13).fill(0);
  const visit = (rank: number, left: number, key: number) => {
    if (rank === 13) {
      if (left > 0) return;
      let slot = Math.imul(key, HASH_MULTIPLIER) >>> (32 - HASH_BITS);
      while (ranks[2 * slot] !== -1) slot = (slot + 1) & HASH_MASK;
      ranks[2 * slot] = key;
      ranks[2 * slot + 1] = countsValue(counts);
      return;
    }
    for (let n = 0; n <= Math.min(4, left); n++) {
      counts[rank] = n;
      visit(rank + 1, left - n, key + n * (RANK_KEYS[rank] ?? 0));
    }
    counts[rank] = 0;
  };
  visit(0, 7, 0);
  const flushes = new Int32Array(1 << 13);
  for (let mask = 0; mask < flushes.length; mask++) {
    let bits = 0;
    for (let m = mask; m !== 0; m &= m - 1) bits++;
    if (bits >= 5) flushes[mask] = flushValue(mask);
  }
  tables = { ranks, flushes };
  return tables;
}

/**
 * Value of the best five of seven card codes: the hot path of every showdown, measured by
 * bench/suites/evaluator.ts. Suits are counted in nibbles (a nibble reaching 5 sets its
 * 0x8 bit after adding 3); without a flush the rank-key sum is looked up in the hash table,
 * with one the flush suit's rank mask indexes the flush table (a flush excludes quads and
 * full houses in seven cards, so it is the best hand whenever present).
 */
export function evaluate7(
  a: number,
  b: number,
  c: number,
  d: number,
  e: number,
  f: number,
  g: number,
): number {
  const { ranks, flushes } = tables ?? buildTables();
  const suits =
    (CARD_SUIT_NIBBLE[a] ?? 0) +
    (CARD_SUIT_NIBBLE[b] ?? 0) +
    (CARD_SUIT_NIBBLE[c] ?? 0) +
    (CARD_SUIT_NIBBLE[d] ?? 0) +
    (CARD_SUIT_NIBBLE[e] ?? 0) +
    (CARD_SUIT_NIBBLE[f] ?? 0) +
    (CARD_SUIT_NIBBLE[g] ?? 0);
  const flush = (suits + 0x3333) & 0x8888;
  if (flush !== 0) {
    const suit = (31 - Math.clz32(flush)) >> 2;
    let mask = 0;
    if ((a & 3) === suit) mask |= 1 << (a >> 2);
    if ((b & 3) === suit) mask |= 1 << (b >> 2);
    if ((c & 3) === suit) mask |= 1 << (c >> 2);
    if ((d & 3) === suit) mask |= 1 << (d >> 2);
    if ((e & 3) === suit) mask |= 1 << (e >> 2);
    if ((f & 3) === suit) mask |= 1 << (f >> 2);
    if ((g & 3) === suit) mask |= 1 << (g >> 2);
    const value = flushes[mask] ?? 0;
    // Five suited cards with fewer than five suited ranks: the input repeats a card.
    if (value === 0) throw new Error("evaluate7 needs seven distinct cards");
    return value;
  }
  const key =
    (CARD_RANK_KEY[a] ?? 0) +
    (CARD_RANK_KEY[b] ?? 0) +
    (CARD_RANK_KEY[c] ?? 0) +
    (CARD_RANK_KEY[d] ?? 0) +
    (CARD_RANK_KEY[e] ?? 0) +
    (CARD_RANK_KEY[f] ?? 0) +
    (CARD_RANK_KEY[g] ?? 0);
  for (
    let slot = Math.imul(key, HASH_MULTIPLIER) >>> (32 - HASH_BITS);
    ;
    slot = (slot + 1) & HASH_MASK
  ) {
    const stored = ranks[2 * slot];
    if (stored === key) return ranks[2 * slot + 1] ?? 0;
    // An empty slot means no seven distinct cards sum to this key: the input repeats a card.
    if (stored === -1) throw new Error("evaluate7 needs seven distinct cards");
  }
}

/** A showdown hand: `hand_rank` display string and the five `best_hand` cards. */
export interface DescribedHand {
  value: number;
  hand_rank: HandRankName;
  best_hand: string[];
}

/**
 * Evaluates hole cards + a full board and names the best five cards: cards are taken in
 * display order, and among equal ranks in the order given (hole cards first).
 */
export function describeHand(cards: readonly string[]): DescribedHand {
  const codes = cards.map(cardCode);
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0] = codes;
  const value = evaluate7(a, b, c, d, e, f, g);
  const category = categoryOf(value);
  let pool = codes;
  if (category === FLUSH || category === STRAIGHT_FLUSH) {
    const suitCounts = [0, 0, 0, 0];
    for (const code of codes) suitCounts[suitOf(code)] = (suitCounts[suitOf(code)] ?? 0) + 1;
    const flushSuit = suitCounts.findIndex((n) => n >= 5);
    pool = codes.filter((code) => suitOf(code) === flushSuit);
  }
  const used = new Set<number>();
  const best: string[] = [];
  for (const rank of ranksOf(value)) {
    const code = pool.find((candidate) => rankOf(candidate) === rank && !used.has(candidate));
    if (code === undefined) throw new Error("hand value does not match its cards");
    used.add(code);
    best.push(cardText(code));
  }
  const handRank = HAND_RANK_NAMES[category];
  if (handRank === undefined) throw new Error(`no hand category ${category}`);
  return { value, hand_rank: handRank, best_hand: best };
}
