/**
 * Pot settlement: side pots are built internally from what each seat put in, and only the
 * net chips per seat come out (§6.9, §6.11).
 */

/** Total of a list of chip amounts. */
export function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/** Net chips per seat and the seats that won something. */
export interface Settlement {
  /** Chips each seat receives, by seat (0 for seats that get nothing). */
  amounts: number[];
  /** Seats that won at least a share of a pot someone else paid into, ascending. */
  winners: number[];
}

/**
 * Splits the pot. `committed[i]` is what seat i put in this hand; `strength[i]` is its hand
 * value, or null when it folded or was not dealt in (it can win nothing). Each layer between
 * two commitment levels is a pot contested by the live seats that reached it; equal best
 * hands share it, the odd chips going one each to the lowest seat indices. A layer only its
 * own payer reached is an uncalled excess: it goes back to that seat and is not a win.
 */
export function settlePot(
  committed: readonly number[],
  strength: readonly (number | null)[],
): Settlement {
  const seats = committed.map((_, seat) => seat);
  const contenders = seats.filter(
    (seat) => strength[seat] !== null && strength[seat] !== undefined,
  );
  if (contenders.length === 0) throw new Error("a pot needs at least one live seat");
  const amounts = seats.map(() => 0);
  const winners = new Set<number>();
  const levels = [...new Set(committed.filter((c) => c > 0))].sort((a, b) => a - b);
  let previous = 0;
  for (const level of levels) {
    let chips = 0;
    let payers = 0;
    for (const c of committed) {
      const part = Math.min(c, level) - Math.min(c, previous);
      chips += part;
      if (part > 0) payers++;
    }
    // A folded seat can have put in more than every live seat only if it folded to a bet no
    // live seat matched, which betting never allows; the fallback keeps chips conserved anyway.
    const reached = contenders.filter((seat) => (committed[seat] ?? 0) >= level);
    const eligible = reached.length > 0 ? reached : contenders;
    let best = -1;
    for (const seat of eligible) best = Math.max(best, strength[seat] ?? -1);
    const takers = eligible.filter((seat) => strength[seat] === best);
    const share = Math.floor(chips / takers.length);
    let odd = chips - share * takers.length;
    for (const seat of takers) {
      amounts[seat] = (amounts[seat] ?? 0) + share + (odd > 0 ? 1 : 0);
      odd--;
      if (payers > 1) winners.add(seat);
    }
    previous = level;
  }
  return { amounts, winners: [...winners].sort((a, b) => a - b) };
}
