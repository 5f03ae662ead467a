// Proves the hand evaluator: the reference 5-card evaluator over all 2,598,960 hands gives
// the known category counts; the table-driven 7-card evaluator equals the best of 21
// five-card subsets on a large random sample (and on a flush-rich one); showdown naming
// uses the exact §6.9 strings and best_hand order.
import { describe, expect, it } from "vitest";
import { cardCode } from "../../../src/poker/cards.ts";
import {
  categoryOf,
  describeHand,
  evaluate5,
  evaluate7,
  RANK_KEYS,
} from "../../../src/poker/evaluator.ts";
import { HAND_RANK_NAMES } from "../../../src/poker/types.ts";
import { seededRandom } from "./helpers.ts";

/** Best 5-card value among the 21 subsets of seven cards: the slow, obvious definition. */
function bestOf21(codes: readonly number[]): number {
  let best = -1;
  const hand = [0, 0, 0, 0, 0];
  for (let skipA = 0; skipA < 7; skipA++) {
    for (let skipB = skipA + 1; skipB < 7; skipB++) {
      let k = 0;
      for (let i = 0; i < 7; i++) if (i !== skipA && i !== skipB) hand[k++] = codes[i] ?? 0;
      best = Math.max(best, evaluate5(hand));
    }
  }
  return best;
}

const codes = (text: string) => (text.match(/../g) ?? []).map(cardCode);
const eval7 = (text: string) => {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0] = codes(text);
  return evaluate7(a, b, c, d, e, f, g);
};

describe("5-card evaluator", () => {
  it("classifies all 2,598,960 five-card hands into the known category counts", () => {
    const counts = new Array<number>(9).fill(0);
    const hand = [0, 0, 0, 0, 0];
    for (let a = 0; a < 52; a++) {
      hand[0] = a;
      for (let b = a + 1; b < 52; b++) {
        hand[1] = b;
        for (let c = b + 1; c < 52; c++) {
          hand[2] = c;
          for (let d = c + 1; d < 52; d++) {
            hand[3] = d;
            for (let e = d + 1; e < 52; e++) {
              hand[4] = e;
              const category = categoryOf(evaluate5(hand));
              counts[category] = (counts[category] ?? 0) + 1;
            }
          }
        }
      }
    }
    expect(Object.fromEntries(HAND_RANK_NAMES.map((name, i) => [name, counts[i]]))).toEqual({
      "Straight Flush": 40,
      "Four of a Kind": 624,
      "Full House": 3744,
      Flush: 5108,
      Straight: 10200,
      "Three of a Kind": 54912,
      "Two Pair": 123552,
      Pair: 1098240,
      "High Card": 1302540,
    });
  });

  it("orders hands within and across categories", () => {
    const ordered = [
      "7c5d4h3s2c", // 7-high
      "AcKdQhJs9c", // ace-high
      "2c2d3h4s5c", // pair of deuces
      "AcAdKhQsJc", // pair of aces, best kickers
      "3c3d2h2s4c", // threes up
      "AcAdKhKs2c", // aces up
      "2c2d2h3s4c", // trip deuces
      "Ac2d3h4s5c", // wheel
      "2c3d4h5s6c", // six-high straight
      "TcJdQhKsAc", // broadway
      "2c3c4c5c7c", // worst flush
      "2c2d2h3s3c", // deuces full
      "AcAdAhKsKc", // aces full
      "2c2d2h2s3c", // quad deuces
      "Ac2c3c4c5c", // steel wheel
      "TcJcQcKcAc", // royal flush
    ];
    const values = ordered.map((hand) => evaluate5(codes(hand)));
    expect([...values].sort((x, y) => x - y)).toEqual(values);
    expect(new Set(values).size).toBe(values.length);
  });
});

describe("7-card evaluator", () => {
  it("gives every seven-rank multiset a distinct rank-key sum", () => {
    const sums = new Set<number>();
    let multisets = 0;
    const visit = (rank: number, left: number, sum: number) => {
      if (rank === 13) {
        if (left === 0) {
          multisets++;
          sums.add(sum);
        }
        return;
      }
      for (let n = 0; n <= Math.min(4, left); n++) {
        visit(rank + 1, left - n, sum + n * (RANK_KEYS[rank] ?? 0));
      }
    };
    visit(0, 7, 0);
    expect(multisets).toBe(49205);
    expect(sums.size).toBe(49205);
  });

  it("equals the best of 21 five-card subsets on 200,000 random hands", () => {
    const random = seededRandom(7);
    let mismatches = 0;
    const categories = new Array<number>(9).fill(0);
    for (let i = 0; i < 200_000; i++) {
      const used = new Set<number>();
      while (used.size < 7) used.add(Math.floor(random() * 52));
      const hand = [...used];
      const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0] = hand;
      const value = evaluate7(a, b, c, d, e, f, g);
      if (value !== bestOf21(hand)) mismatches++;
      categories[categoryOf(value)] = (categories[categoryOf(value)] ?? 0) + 1;
    }
    expect(mismatches).toBe(0);
    // The sample reaches every category (straight flushes are 0.03% of seven-card hands).
    expect(categories.every((n) => n > 0)).toBe(true);
  });

  it("equals the best of 21 on 50,000 hands with five or more cards of one suit", () => {
    const random = seededRandom(11);
    let mismatches = 0;
    for (let i = 0; i < 50_000; i++) {
      const suit = Math.floor(random() * 4);
      const used = new Set<number>();
      const suited = 5 + Math.floor(random() * 3);
      while (used.size < suited) used.add(Math.floor(random() * 13) * 4 + suit);
      while (used.size < 7) used.add(Math.floor(random() * 52));
      const hand = [...used];
      const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0] = hand;
      if (evaluate7(a, b, c, d, e, f, g) !== bestOf21(hand)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it("refuses a hand that repeats a card rather than looping", () => {
    expect(() => eval7("AcAdAcAdAc2d3h")).toThrow(/distinct/);
    expect(() => eval7("AcAcAcAcAc2d3h")).toThrow(/distinct/);
  });

  it("ranks the seven-card edge cases", () => {
    expect(eval7("AhKhQhJhTh9h8h")).toBeGreaterThan(eval7("KhQhJhTh9h8h7h"));
    expect(eval7("As2d3c4h5s9d9c")).toBeLessThan(eval7("2s3d4c5h6s9d9c"));
    // Two trips make a full house with the lower trips as the pair.
    expect(categoryOf(eval7("7c7d7h5s5c5dAh"))).toBe(6);
    // Three pairs: the best two plus the best remaining card as kicker.
    expect(eval7("KcKdQhQs2c2dAh")).toBe(eval7("KhKsQcQd3c3dAs"));
  });
});

describe("showdown naming", () => {
  it("names each category with the exact display string", () => {
    const examples: [string, string][] = [
      ["Ah3d5c7s9hJdKc", "High Card"],
      ["AhAd5c7s9hJdKc", "Pair"],
      ["AhAd5c5s9hJdKc", "Two Pair"],
      ["AhAdAc7s9hJdKc", "Three of a Kind"],
      ["Ah2d3c4s5h9dKc", "Straight"],
      ["Ah3h5h7h9hJdKc", "Flush"],
      ["AhAdAc7s7hJdKc", "Full House"],
      ["AhAdAcAs9hJdKc", "Four of a Kind"],
      ["AhKhQhJhTh2d3c", "Straight Flush"],
    ];
    for (const [hand, name] of examples) {
      expect(describeHand(hand.match(/../g) ?? []).hand_rank).toBe(name);
    }
  });

  it("lists best_hand as the group first, then kickers high to low, hole cards first on ties", () => {
    const best = (hand: string) => describeHand(hand.match(/../g) ?? []).best_hand;
    expect(best("QsQdKh9c6d2s3c")).toEqual(["Qs", "Qd", "Kh", "9c", "6d"]);
    expect(best("9h8h9c6d2sKh3c")).toEqual(["9h", "9c", "Kh", "8h", "6d"]);
    expect(best("7c7d5s5c7hAh5d")).toEqual(["7c", "7d", "7h", "5s", "5c"]);
    expect(best("Ah2d3c4s5h9dKc")).toEqual(["5h", "4s", "3c", "2d", "Ah"]);
    expect(best("2h9h3h7h9dJhKh")).toEqual(["Kh", "Jh", "9h", "7h", "3h"]);
    expect(best("KcKdQhQs2c2dAh")).toEqual(["Kc", "Kd", "Qh", "Qs", "Ah"]);
  });
});
