/**
 * Seeding at the start (docs/tournaments.md "Seeding"), pure: the seed order of the
 * entrants, how many rounds the format plans for them, and the seeds as stored.
 */
import { knockoutRoundCount } from "./formats.ts";
import type { Format } from "./standings.ts";

/** An entry as seeding reads it. */
export interface SeedableEntry {
  bot_id: string;
  entered_at: number;
}

/** Best first: by rating (unrated = 0), then the earlier entry, then the bot id. */
export function seedOrder<E extends SeedableEntry>(
  entries: readonly E[],
  ratings: ReadonlyMap<string, number>,
): E[] {
  return [...entries].sort(
    (a, b) =>
      (ratings.get(b.bot_id) ?? 0) - (ratings.get(a.bot_id) ?? 0) ||
      a.entered_at - b.entered_at ||
      a.bot_id.localeCompare(b.bot_id),
  );
}

/**
 * The rounds a format plans for `n` entrants: every pairing once in a round-robin (one
 * round more when a bye goes round), down to one winner in a knockout, and the Swiss rounds
 * asked for, at most `n - 1`.
 */
export function plannedRounds(format: Format, n: number, swissRounds: number | null): number {
  if (format === "round_robin") return n % 2 === 0 ? n - 1 : n;
  if (format === "knockout") return knockoutRoundCount(n);
  return Math.min(swissRounds ?? 1, n - 1);
}

/** Bot id → seed (1 = best), in seed order; entries not seeded yet are left out. */
export function seedMap(
  entries: readonly { bot_id: string; seed: number | null }[],
): Map<string, number> {
  return new Map(
    entries
      .filter((e) => e.seed !== null)
      .sort((a, b) => (a.seed ?? 0) - (b.seed ?? 0))
      .map((e) => [e.bot_id, e.seed ?? 0]),
  );
}
