/**
 * The matchmaking queue (bot protocol §8.1) as a plain module over the matchmaker's SQLite:
 * FIFO by join order, a TTL per entry, `timed_out` reported once, idempotent leave, and the
 * pairing pass. What "eligible" means and how a pair becomes a match are injected, so the
 * queue knows nothing about lobbies, tokens or match objects.
 */
import * as v from "valibot";
import { describeError, log } from "../lib/log";
import type { Eligibility } from "./dispatch-paths";
import type { Schedule } from "./schedule";

/** One queued bot. `seq` is its place in line, kept if it is put back after a failed pairing. */
export interface QueueEntry {
  seq: number;
  botId: string;
  tokenId: string;
  joinedAt: number;
  expiresAt: number;
  [key: string]: SqlStorageValue;
}

/** What the pairing pass needs from the outside world. */
export interface PairingDeps {
  /** Whether `entry` could be dispatched now (lobby presence, the token's concurrent-match cap). */
  eligibility(entry: QueueEntry): Promise<Eligibility>;
  /** Creates the match for a pair; throwing puts both back in line. */
  dispatch(first: QueueEntry, second: QueueEntry): Promise<void>;
}

/** `GET /matchmaking/status`: `position` is 1-based while queued, `null` otherwise. */
export const QueueStatusSchema = v.union([
  v.strictObject({
    status: v.literal("queued"),
    position: v.number(),
    waiting_seconds: v.number(),
  }),
  v.strictObject({
    status: v.picklist(["idle", "timed_out"]),
    position: v.null(),
    waiting_seconds: v.number(),
  }),
]);
export type QueueStatus = v.InferOutput<typeof QueueStatusSchema>;

/** Schedule keys of the queue's two deadlines: the earliest TTL expiry and the next retry. */
const TTL_KEY = "ttl";
const RETRY_KEY = "retry";
/** A pairing pass looks at most this many entries from the front, bounding its RPC fan-out. */
const MAX_EXAMINED_PER_PASS = 64;

export class MatchQueue {
  readonly #sql: SqlStorage;
  readonly #schedule: Schedule;
  readonly #ttlMs: number;
  readonly #retryMs: number;

  constructor(sql: SqlStorage, schedule: Schedule, options: { ttlMs: number; retryMs: number }) {
    this.#sql = sql;
    this.#schedule = schedule;
    this.#ttlMs = options.ttlMs;
    this.#retryMs = options.retryMs;
    this.#sql.exec(`CREATE TABLE IF NOT EXISTS queue (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      bot_id TEXT NOT NULL UNIQUE,
      token_id TEXT NOT NULL,
      joined_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    )`);
    this.#sql.exec(
      "CREATE TABLE IF NOT EXISTS timed_out (bot_id TEXT PRIMARY KEY, waited_ms INTEGER NOT NULL)",
    );
  }

  /** Queues a bot; `false` when it was already queued (a repeated join changes nothing). */
  join(botId: string, tokenId: string, now: number): boolean {
    this.#sql.exec("DELETE FROM timed_out WHERE bot_id = ?", botId);
    const inserted = this.#sql.exec(
      "INSERT INTO queue (bot_id, token_id, joined_at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (bot_id) DO NOTHING",
      botId,
      tokenId,
      now,
      now + this.#ttlMs,
    );
    this.#rescheduleTtl();
    return inserted.rowsWritten > 0;
  }

  /** Removes a bot from the queue. `true` if it was queued. Idempotent. */
  leave(botId: string): boolean {
    this.#sql.exec("DELETE FROM timed_out WHERE bot_id = ?", botId);
    const removed = this.#sql.exec("DELETE FROM queue WHERE bot_id = ?", botId).rowsWritten > 0;
    this.#rescheduleTtl();
    return removed;
  }

  /** 1-based place in line, or `null` when not queued. */
  position(botId: string): number | null {
    const row = this.#sql
      .exec<{ position: number }>(
        "SELECT count(*) AS position FROM queue WHERE seq <= (SELECT seq FROM queue WHERE bot_id = ?)",
        botId,
      )
      .toArray()[0];
    return row && row.position > 0 ? row.position : null;
  }

  /** The bot's queue status. A timeout is reported once, then the bot is `idle`. */
  status(botId: string, now: number): QueueStatus {
    const entry = this.#entry(botId);
    const position = this.position(botId);
    if (entry && position !== null) {
      return {
        status: "queued",
        position,
        waiting_seconds: Math.floor((now - entry.joinedAt) / 1000),
      };
    }
    const timedOut = this.#sql
      .exec<{ waited_ms: number }>("SELECT waited_ms FROM timed_out WHERE bot_id = ?", botId)
      .toArray()[0];
    if (timedOut) {
      this.#sql.exec("DELETE FROM timed_out WHERE bot_id = ?", botId);
      return {
        status: "timed_out",
        position: null,
        waiting_seconds: Math.floor(timedOut.waited_ms / 1000),
      };
    }
    return { status: "idle", position: null, waiting_seconds: 0 };
  }

  /** Moves every entry whose TTL ran out to `timed_out`. Idempotent. */
  expire(now: number): void {
    const expired = this.#sql
      .exec<{ bot_id: string; waited: number }>(
        "SELECT bot_id, ? - joined_at AS waited FROM queue WHERE expires_at <= ?",
        now,
        now,
      )
      .toArray();
    for (const row of expired) {
      this.#sql.exec(
        "INSERT INTO timed_out (bot_id, waited_ms) VALUES (?, ?) ON CONFLICT (bot_id) DO UPDATE SET waited_ms = excluded.waited_ms",
        row.bot_id,
        row.waited,
      );
      this.#sql.exec("DELETE FROM queue WHERE bot_id = ?", row.bot_id);
      log("info", "matchmaking_timed_out", { bot_id: row.bot_id });
    }
    this.#rescheduleTtl();
  }

  /** Whether the retry deadline is due. */
  retryDue(now: number): boolean {
    const due = this.#schedule.get(RETRY_KEY);
    return due !== null && due <= now;
  }

  /**
   * One pairing pass, front to back: the first two eligible entries become a match, then the
   * next two, and so on. Ineligible entries keep their place (an offline or capped bot is not
   * dropped); so does a pair whose dispatch failed. Returns the bot ids that were paired. If
   * two or more bots are still waiting, a retry is scheduled.
   */
  async pair(deps: PairingDeps): Promise<Set<string>> {
    this.#schedule.delete(RETRY_KEY);
    const paired = new Set<string>();
    let waiting: QueueEntry | null = null;
    for (const entry of this.#front(MAX_EXAMINED_PER_PASS)) {
      if ((await this.#eligibility(deps, entry)) !== "ok") continue;
      if (!this.#entry(entry.botId)) continue; // left or expired while we were asking
      if (!waiting) {
        waiting = entry;
        continue;
      }
      const first = waiting;
      waiting = null;
      // Out of the queue before the cross-object await, so no other pass can take them too.
      this.#remove(first.botId, entry.botId);
      try {
        await deps.dispatch(first, entry);
        paired.add(first.botId).add(entry.botId);
        log("info", "matchmaking_paired", { first: first.botId, second: entry.botId });
      } catch (err) {
        log("error", "matchmaking_dispatch_failed", { error: describeError(err) });
        this.#restore(first);
        this.#restore(entry);
      }
    }
    this.#rescheduleTtl();
    if (this.#count() >= 2) this.#schedule.set(RETRY_KEY, Date.now() + this.#retryMs);
    return paired;
  }

  async #eligibility(deps: PairingDeps, entry: QueueEntry): Promise<Eligibility> {
    try {
      return await deps.eligibility(entry);
    } catch (err) {
      log("warn", "matchmaking_eligibility_failed", {
        bot_id: entry.botId,
        error: describeError(err),
      });
      return "offline";
    }
  }

  #front(limit: number): QueueEntry[] {
    return this.#sql
      .exec<QueueEntry>(
        "SELECT seq, bot_id AS botId, token_id AS tokenId, joined_at AS joinedAt, expires_at AS expiresAt FROM queue ORDER BY seq LIMIT ?",
        limit,
      )
      .toArray();
  }

  #entry(botId: string): QueueEntry | null {
    return (
      this.#sql
        .exec<QueueEntry>(
          "SELECT seq, bot_id AS botId, token_id AS tokenId, joined_at AS joinedAt, expires_at AS expiresAt FROM queue WHERE bot_id = ?",
          botId,
        )
        .toArray()[0] ?? null
    );
  }

  #count(): number {
    return this.#sql.exec<{ n: number }>("SELECT count(*) AS n FROM queue").one().n;
  }

  #remove(...botIds: string[]): void {
    for (const botId of botIds) this.#sql.exec("DELETE FROM queue WHERE bot_id = ?", botId);
  }

  /** Puts an entry back with its original `seq`, so it keeps its place in line. */
  #restore(entry: QueueEntry): void {
    this.#sql.exec(
      "INSERT INTO queue (seq, bot_id, token_id, joined_at, expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      entry.seq,
      entry.botId,
      entry.tokenId,
      entry.joinedAt,
      entry.expiresAt,
    );
  }

  #rescheduleTtl(): void {
    const next = this.#sql
      .exec<{ next: number | null }>("SELECT min(expires_at) AS next FROM queue")
      .one().next;
    if (next === null) this.#schedule.delete(TTL_KEY);
    else this.#schedule.set(TTL_KEY, next);
  }
}
