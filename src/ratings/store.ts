/**
 * The ratings in D1: apply one rated match (exactly once, by match id), the leaderboard, a
 * bot's rating with its history, and the skills other parts read (matchmaking, seeding).
 */
import { displayRating, INITIAL_SKILL, rateHeadsUp, type SeatResult, type Skill } from "./model.ts";

/** A bot's standing as the API shows it. */
export interface BotRating {
  mu: number;
  sigma: number;
  rating: number;
  matches: number;
  wins: number;
  losses: number;
  draws: number;
  updated_at: string | null;
}

/** A row of `ratings`: a bot that has played at least one rated match. */
interface RatingRow extends BotRating {
  bot_id: string;
  updated_at: string;
}

/** How often an update is recomputed when a concurrent match of the same bot got in first. */
const MAX_ATTEMPTS = 8;

/** One rated heads-up match to apply: both bots, seat 0 first, and their results. */
export interface RatedMatch {
  matchId: string;
  botIds: readonly [string, string];
  results: readonly [SeatResult, SeatResult];
  ratedAt: string;
}

/**
 * Applies a rated match once. Each attempt reads both rows, computes with openskill, and
 * writes in one D1 batch (a transaction) whose first statement claims the match id only if
 * neither row changed since it was read; every other statement applies only under that
 * claim. So a retried hook finds the claim and does nothing, and two matches of one bot
 * ending together are applied one after the other. Returns whether this call applied it.
 */
export async function applyRatedMatch(db: D1Database, match: RatedMatch): Promise<boolean> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const rows = await readRows(db, match.botIds);
    const before = match.botIds.map((id) => rows.get(id)) as [RatingRow?, RatingRow?];
    const skills = before.map((row) => (row ? { mu: row.mu, sigma: row.sigma } : INITIAL_SKILL));
    const after = rateHeadsUp(skills as [Skill, Skill], match.results);
    const nonce = crypto.randomUUID();
    const claimed = "EXISTS (SELECT 1 FROM rated_matches WHERE match_id = ? AND attempt = ?)";
    const [claim] = await db.batch([
      db
        .prepare(
          `INSERT INTO rated_matches (match_id, attempt, rated_at)
           SELECT ?, ?, ? WHERE (SELECT matches FROM ratings WHERE bot_id = ?) IS ?
             AND (SELECT matches FROM ratings WHERE bot_id = ?) IS ?
           ON CONFLICT (match_id) DO NOTHING`,
        )
        .bind(
          match.matchId,
          nonce,
          match.ratedAt,
          match.botIds[0],
          before[0]?.matches ?? null,
          match.botIds[1],
          before[1]?.matches ?? null,
        ),
      ...match.botIds.flatMap((botId, seat) => {
        const result = match.results[seat] ?? "draw";
        const prior = before[seat];
        const skill = after[seat] ?? INITIAL_SKILL;
        const old = skills[seat] ?? INITIAL_SKILL;
        return [
          db
            .prepare(
              `INSERT INTO ratings (bot_id, mu, sigma, rating, matches, wins, losses, draws, updated_at)
               SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE ${claimed}
               ON CONFLICT (bot_id) DO UPDATE SET mu = excluded.mu, sigma = excluded.sigma,
                 rating = excluded.rating, matches = excluded.matches, wins = excluded.wins,
                 losses = excluded.losses, draws = excluded.draws, updated_at = excluded.updated_at`,
            )
            .bind(
              botId,
              skill.mu,
              skill.sigma,
              displayRating(skill),
              (prior?.matches ?? 0) + 1,
              (prior?.wins ?? 0) + (result === "win" ? 1 : 0),
              (prior?.losses ?? 0) + (result === "loss" ? 1 : 0),
              (prior?.draws ?? 0) + (result === "draw" ? 1 : 0),
              match.ratedAt,
              match.matchId,
              nonce,
            ),
          db
            .prepare(
              `INSERT INTO rating_history (match_id, bot_id, opponent_id, result, mu_before,
                 sigma_before, rating_before, mu, sigma, rating, rated_at)
               SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE ${claimed}`,
            )
            .bind(
              match.matchId,
              botId,
              match.botIds[1 - seat] ?? botId,
              result,
              old.mu,
              old.sigma,
              displayRating(old),
              skill.mu,
              skill.sigma,
              displayRating(skill),
              match.ratedAt,
              match.matchId,
              nonce,
            ),
        ];
      }),
    ]);
    if ((claim?.meta.changes ?? 0) === 1) return true;
    const done = await db
      .prepare("SELECT 1 AS done FROM rated_matches WHERE match_id = ?")
      .bind(match.matchId)
      .first<{ done: number }>();
    if (done) return false;
  }
  throw new Error(`rating update of match ${match.matchId} lost ${MAX_ATTEMPTS} races`);
}

async function readRows(
  db: D1Database,
  botIds: readonly string[],
): Promise<Map<string, RatingRow>> {
  const { results } = await db
    .prepare(`SELECT * FROM ratings WHERE bot_id IN (${botIds.map(() => "?").join(", ")})`)
    .bind(...botIds)
    .all<RatingRow>();
  return new Map(results.map((row) => [row.bot_id, row]));
}

/** Every rated bot's rating, by bot id (bots never rated are absent). */
export async function allRatings(db: D1Database): Promise<Map<string, BotRating>> {
  const { results } = await db.prepare("SELECT * FROM ratings").all<RatingRow>();
  return new Map(results.map(({ bot_id, ...rating }) => [bot_id, rating]));
}

/** Each bot's current skill; bots never rated get the initial one. */
export async function skillsOf(
  db: D1Database,
  botIds: readonly string[],
): Promise<Map<string, Skill>> {
  const rows = botIds.length === 0 ? new Map<string, RatingRow>() : await readRows(db, botIds);
  return new Map(
    botIds.map((id) => {
      const row = rows.get(id);
      return [id, row ? { mu: row.mu, sigma: row.sigma } : INITIAL_SKILL];
    }),
  );
}

/** A bot's rating, or the initial one (with no matches) if it was never rated. */
export async function botRating(db: D1Database, botId: string): Promise<BotRating> {
  const row = (await readRows(db, [botId])).get(botId);
  if (row) {
    const { bot_id: _, ...rest } = row;
    return rest;
  }
  return {
    ...INITIAL_SKILL,
    rating: displayRating(INITIAL_SKILL),
    matches: 0,
    wins: 0,
    losses: 0,
    draws: 0,
    updated_at: null,
  };
}

/** One applied rated match of a bot. */
export interface RatingChange {
  match_id: string;
  opponent_id: string;
  result: SeatResult;
  mu_before: number;
  sigma_before: number;
  rating_before: number;
  mu: number;
  sigma: number;
  rating: number;
  rated_at: string;
}

/** A bot's most recent rating changes, newest first. */
export async function ratingHistory(
  db: D1Database,
  botId: string,
  limit: number,
): Promise<RatingChange[]> {
  const { results } = await db
    .prepare(
      `SELECT match_id, opponent_id, result, mu_before, sigma_before, rating_before, mu, sigma,
         rating, rated_at FROM rating_history WHERE bot_id = ?
       ORDER BY rated_at DESC, match_id DESC LIMIT ?`,
    )
    .bind(botId, limit)
    .all<RatingChange>();
  return results;
}

/** One row of the leaderboard. */
export interface LeaderboardEntry extends BotRating {
  rank: number;
  bot_id: string;
  name: string;
}

/**
 * A page of the leaderboard: active bots with at least one rated match, by display rating
 * (then bot id, so pages are stable), ranks counted from 1.
 */
export async function leaderboard(
  db: D1Database,
  page: { limit: number; offset: number },
): Promise<{ total: number; entries: LeaderboardEntry[] }> {
  const [count, rows] = await db.batch([
    db.prepare(
      "SELECT count(*) AS total FROM ratings r JOIN bots b ON b.id = r.bot_id WHERE b.active = 1",
    ),
    db
      .prepare(
        `SELECT r.*, b.name FROM ratings r JOIN bots b ON b.id = r.bot_id WHERE b.active = 1
         ORDER BY r.rating DESC, r.bot_id LIMIT ? OFFSET ?`,
      )
      .bind(page.limit, page.offset),
  ]);
  const total = (count?.results[0] as { total: number } | undefined)?.total ?? 0;
  const entries = ((rows?.results ?? []) as (RatingRow & { name: string })[]).map((row, i) => ({
    rank: page.offset + i + 1,
    bot_id: row.bot_id,
    name: row.name,
    mu: row.mu,
    sigma: row.sigma,
    rating: row.rating,
    matches: row.matches,
    wins: row.wins,
    losses: row.losses,
    draws: row.draws,
    updated_at: row.updated_at,
  }));
  return { total, entries };
}
