/**
 * The lobby's reads and writes of the D1 registry: a token's live seats against its
 * concurrent-match cap, queued bots' ratings and owners, a bot's match list, and
 * decision-latency samples.
 */
import * as v from "valibot";
import { IsoTimestamp } from "../lib/time";
import { INITIAL_SKILL } from "../ratings/model";
import type { QueueProfile } from "./queue";

/** Match statuses that hold a seat against the token cap (the slot frees at finalization, §3.5). */
const LIVE_STATUSES = "('dispatching', 'live')";

/** A token's cap and how many live seats it holds; `null` when the token is unknown or revoked. */
export async function tokenCapacity(
  db: D1Database,
  tokenId: string,
): Promise<{ cap: number; live: number } | null> {
  const row = await db
    .prepare(
      `SELECT t.max_concurrent_matches AS cap,
        (SELECT count(*) FROM participants p JOIN matches m ON m.id = p.match_id
          WHERE p.token_id = t.id AND m.status IN ${LIVE_STATUSES}) AS live
       FROM tokens t WHERE t.id = ? AND t.revoked_at IS NULL`,
    )
    .bind(tokenId)
    .first<{ cap: number; live: number }>();
  return row ?? null;
}

/** Each queued bot's rating mean (the initial one if never rated) and owner. */
export async function queueProfiles(
  db: D1Database,
  botIds: readonly string[],
): Promise<Map<string, QueueProfile>> {
  if (botIds.length === 0) return new Map();
  const { results } = await db
    .prepare(
      `SELECT b.id, b.owner, r.mu FROM bots b LEFT JOIN ratings r ON r.bot_id = b.id
       WHERE b.id IN (SELECT value FROM json_each(?))`,
    )
    .bind(JSON.stringify(botIds))
    .all<{ id: string; owner: string; mu: number | null }>();
  return new Map(
    results.map((row) => [row.id, { owner: row.owner, mu: row.mu ?? INITIAL_SKILL.mu }]),
  );
}

/** One match of a bot as `GET /api/bots/{id}/matches` shows it. */
export const BotMatchSchema = v.strictObject({
  match_id: v.string(),
  status: v.string(),
  source: v.string(),
  rated: v.boolean(),
  created_at: IsoTimestamp,
  ended_at: v.nullable(IsoTimestamp),
  participant_id: v.string(),
  seat: v.number(),
  net_chips: v.nullable(v.number()),
  hands_won: v.nullable(v.number()),
  final_stack: v.nullable(v.number()),
  place: v.nullable(v.number()),
  opponents: v.array(v.strictObject({ bot_id: v.string(), name: v.string(), seat: v.number() })),
});
export type BotMatch = v.InferOutput<typeof BotMatchSchema>;

interface BotMatchRow {
  match_id: string;
  status: string;
  source: string;
  rated: number;
  created_at: string;
  ended_at: string | null;
  participant_id: string;
  seat: number;
  net_chips: number | null;
  hands_won: number | null;
  final_stack: number | null;
  place: number | null;
  opponents: string;
}

/** A bot's matches, newest first. */
export async function listBotMatches(
  db: D1Database,
  botId: string,
  limit: number,
): Promise<BotMatch[]> {
  const { results } = await db
    .prepare(
      `SELECT m.id AS match_id, m.status, m.source, m.rated, m.created_at, m.ended_at,
         p.participant_id, p.seat, p.net_chips, p.hands_won, p.final_stack, p.place,
         (SELECT json_group_array(json_object('bot_id', o.bot_id, 'name', b.name, 'seat', o.seat))
            FROM participants o JOIN bots b ON b.id = o.bot_id
            WHERE o.match_id = m.id AND o.participant_id <> p.participant_id) AS opponents
       FROM participants p JOIN matches m ON m.id = p.match_id
       WHERE p.bot_id = ?
       ORDER BY m.created_at DESC, m.id
       LIMIT ?`,
    )
    .bind(botId, limit)
    .all<BotMatchRow>();
  return results.map((row) => ({
    ...row,
    rated: row.rated === 1,
    opponents: JSON.parse(row.opponents) as BotMatch["opponents"],
  }));
}

/**
 * Each bot's decision-latency samples of one finished match, as statements for a D1 batch.
 * Idempotent per match; a row is written only while the match is in the registry (the
 * match-end hook runs them before it knows).
 */
export function latencySampleStatements(
  db: D1Database,
  matchId: string,
  endedAt: string,
  seats: ReadonlyArray<{ botId: string; samplesMs: readonly number[] }>,
): D1PreparedStatement[] {
  return seats.map((seat) =>
    db
      .prepare(
        `INSERT INTO decision_latency (match_id, bot_id, ended_at, samples)
         SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM matches WHERE id = ?)
         ON CONFLICT (match_id, bot_id) DO NOTHING`,
      )
      .bind(
        matchId,
        seat.botId,
        endedAt,
        JSON.stringify(seat.samplesMs.filter((ms) => Number.isFinite(ms) && ms >= 0)),
        matchId,
      ),
  );
}

/** Every latency sample of the bot's `recentMatches` most recently finished matches. */
export async function recentLatencySamples(
  db: D1Database,
  botId: string,
  recentMatches: number,
): Promise<number[]> {
  const { results } = await db
    .prepare("SELECT samples FROM decision_latency WHERE bot_id = ? ORDER BY ended_at DESC LIMIT ?")
    .bind(botId, recentMatches)
    .all<{ samples: string }>();
  return results.flatMap((row) => JSON.parse(row.samples) as number[]);
}
