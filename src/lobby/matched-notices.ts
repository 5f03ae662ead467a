/**
 * Durable `matched` notices of one bot (bot protocol §3.5, §3.6): stored before the push,
 * re-sent with `resume: true` after a lobby connect's settle window (`resume-window.ts`),
 * removed when the match ends.
 */
import * as v from "valibot";
import type { MatchedFrame } from "../protocol/lobby-frames";

/**
 * What a dispatcher tells a bot object about a new seat: the `matched` frame (§3.5) minus
 * `type`/`resume`. Checked at the RPC boundary so nothing malformed is stored and replayed.
 */
export const MatchedNoticeSchema = v.strictObject({
  match_id: v.pipe(v.string(), v.uuid()),
  participant_id: v.pipe(v.string(), v.regex(/^p_[0-9a-f]{12}$/)),
  gateway_ws_url: v.pipe(v.string(), v.regex(/^\/ws\/external\/match\/[^/]+\/[^/]+$/)),
  rated: v.boolean(),
  decision_timeout_ms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1000))),
});
export type MatchedNotice = v.InferOutput<typeof MatchedNoticeSchema>;

/** Validates an RPC-supplied notice; throws, naming the offending field, on anything malformed. */
export function parseMatchedNotice(input: unknown): MatchedNotice {
  const result = v.safeParse(MatchedNoticeSchema, input);
  if (result.success) return result.output;
  const first = result.issues[0];
  throw new TypeError(`Invalid matched notice: ${first ? v.getDotPath(first) : "?"}`);
}

interface NoticeRow {
  match_id: string;
  participant_id: string;
  gateway_ws_url: string;
  rated: number;
  decision_timeout_ms: number | null;
  [key: string]: SqlStorageValue;
}

/** The `matched` frame for a notice; `resume` marks a re-announcement. */
export function matchedFrame(notice: MatchedNotice, resume: boolean): MatchedFrame {
  return {
    type: "matched",
    match_id: notice.match_id,
    participant_id: notice.participant_id,
    gateway_ws_url: notice.gateway_ws_url,
    rated: notice.rated,
    ...(notice.decision_timeout_ms === undefined
      ? {}
      : { decision_timeout_ms: notice.decision_timeout_ms }),
    ...(resume ? { resume: true as const } : {}),
  } satisfies MatchedFrame;
}

/** The in-flight matches of one bot, in the bot object's SQLite. */
export class MatchedNotices {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    this.#sql.exec(`CREATE TABLE IF NOT EXISTS matched_notices (
      match_id TEXT PRIMARY KEY,
      participant_id TEXT NOT NULL,
      gateway_ws_url TEXT NOT NULL,
      rated INTEGER NOT NULL,
      decision_timeout_ms INTEGER,
      created_at INTEGER NOT NULL
    )`);
  }

  /** Records a notice; a repeated dispatch of the same match overwrites it (idempotent). */
  put(notice: MatchedNotice, now: number): void {
    this.#sql.exec(
      `INSERT INTO matched_notices (match_id, participant_id, gateway_ws_url, rated, decision_timeout_ms, created_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (match_id) DO UPDATE SET participant_id = excluded.participant_id,
         gateway_ws_url = excluded.gateway_ws_url, rated = excluded.rated,
         decision_timeout_ms = excluded.decision_timeout_ms`,
      notice.match_id,
      notice.participant_id,
      notice.gateway_ws_url,
      notice.rated ? 1 : 0,
      notice.decision_timeout_ms ?? null,
      now,
    );
  }

  /** Forgets a match (it ended). Idempotent. */
  remove(matchId: string): void {
    this.#sql.exec("DELETE FROM matched_notices WHERE match_id = ?", matchId);
  }

  /** Every in-flight notice (stored at or before `storedBy`, when given), oldest dispatch first. */
  all(storedBy = Number.MAX_SAFE_INTEGER): MatchedNotice[] {
    return this.#sql
      .exec<NoticeRow>(
        "SELECT match_id, participant_id, gateway_ws_url, rated, decision_timeout_ms FROM matched_notices WHERE created_at <= ? ORDER BY created_at, rowid",
        storedBy,
      )
      .toArray()
      .map((row) => ({
        match_id: row.match_id,
        participant_id: row.participant_id,
        gateway_ws_url: row.gateway_ws_url,
        rated: row.rated === 1,
        ...(row.decision_timeout_ms === null
          ? {}
          : { decision_timeout_ms: row.decision_timeout_ms }),
      }));
  }
}
