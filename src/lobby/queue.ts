/**
 * The matchmaking queue (bot protocol §8.1) as a plain module over the matchmaker's SQLite:
 * FIFO by join order, a TTL per entry, `timed_out` reported once, idempotent leave, and the
 * pairing pass by rating proximity (docs/lobby.md "Rated pairing"). What "eligible" means,
 * each bot's rating and owner, and how a pair becomes a match are injected, so the queue
 * knows nothing about lobbies, tokens, ratings or match objects.
 */
import * as v from "valibot";
import { describeError, log } from "../lib/log";
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

/** Why a bot cannot be dispatched right now (`dispatchEligibility` answers it). */
export type Eligibility = "ok" | "offline" | "at_cap" | "revoked";

/** What pairing knows of a queued bot: its skill estimate (mu) and its owner. */
export interface QueueProfile {
  mu: number;
  owner: string;
}

/** What the pairing pass needs from the outside world. */
export interface PairingDeps {
  /** Whether `entry` could be dispatched now (lobby presence, the token's concurrent-match cap). */
  eligibility(entry: QueueEntry): Promise<Eligibility>;
  /** Rating and owner of each bot (a bot never rated has the initial mu). */
  profiles(botIds: readonly string[]): Promise<Map<string, QueueProfile>>;
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

/** The rating window: this wide (in mu) at the join, this much wider per second waited. */
export const RATING_WINDOW = { baseMu: 3, perSecondMu: 0.2, anyoneAfterMs: 60_000 } as const;

/**
 * How far apart (in mu) two ratings may be for a bot that has waited `waitedMs`: 3 at the
 * join, 0.2 wider per second, and no limit after a minute (nobody waits for ever).
 */
export function ratingWindow(waitedMs: number): number {
  if (waitedMs >= RATING_WINDOW.anyoneAfterMs) return Number.POSITIVE_INFINITY;
  return RATING_WINDOW.baseMu + (RATING_WINDOW.perSecondMu * Math.max(0, waitedMs)) / 1000;
}

export class MatchQueue {
  readonly #sql: SqlStorage;
  readonly #schedule: Schedule;
  readonly #ttlMs: number;
  readonly #retryMs: number;
  readonly #sameOwner: boolean;

  constructor(
    sql: SqlStorage,
    schedule: Schedule,
    options: { ttlMs: number; retryMs: number; sameOwner: boolean },
  ) {
    this.#sql = sql;
    this.#schedule = schedule;
    this.#ttlMs = options.ttlMs;
    this.#retryMs = options.retryMs;
    this.#sameOwner = options.sameOwner;
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
   * One pairing pass, front to back (FIFO-fair: the longest waiter chooses first). Each
   * eligible entry is paired with the nearest rating behind it within its rating window
   * (ties: the earlier in line), never with a bot of the same owner unless allowed.
   * Ineligible entries keep their place (an offline or capped bot is not dropped); so does a
   * pair whose dispatch failed. Returns the bot ids that were paired. If two or more bots
   * are still waiting, a retry is scheduled (the windows widen meanwhile).
   */
  async pair(deps: PairingDeps, now = Date.now()): Promise<Set<string>> {
    this.#schedule.delete(RETRY_KEY);
    const paired = new Set<string>();
    /** Paired, or in a pair whose dispatch failed: not examined again in this pass. */
    const taken = new Set<string>();
    const front = this.#front(MAX_EXAMINED_PER_PASS);
    let profiles: Map<string, QueueProfile> | null = null;
    try {
      profiles = front.length >= 2 ? await deps.profiles(front.map((e) => e.botId)) : null;
    } catch (err) {
      log("warn", "matchmaking_profiles_failed", { error: describeError(err) });
    }
    const checked = new Map<string, Promise<Eligibility>>();
    const eligible = async (entry: QueueEntry) => {
      let answer = checked.get(entry.botId);
      if (!answer) {
        answer = this.#eligibility(deps, entry);
        checked.set(entry.botId, answer);
      }
      // Left or expired while we were asking: not a candidate any more.
      return (await answer) === "ok" && this.#entry(entry.botId) !== null;
    };
    for (const [i, entry] of front.entries()) {
      if (!profiles || taken.has(entry.botId) || !(await eligible(entry))) continue;
      const mine = profiles.get(entry.botId);
      const window = ratingWindow(now - entry.joinedAt);
      const candidates = front
        .slice(i + 1)
        .filter((other) => {
          const theirs = profiles?.get(other.botId);
          if (!mine || !theirs || taken.has(other.botId)) return false;
          if (!this.#sameOwner && theirs.owner === mine.owner) return false;
          return Math.abs(theirs.mu - mine.mu) <= window;
        })
        .sort(
          (a, b) =>
            Math.abs((profiles?.get(a.botId)?.mu ?? 0) - (mine?.mu ?? 0)) -
              Math.abs((profiles?.get(b.botId)?.mu ?? 0) - (mine?.mu ?? 0)) || a.seq - b.seq,
        );
      let partner: QueueEntry | null = null;
      for (const candidate of candidates) {
        if (await eligible(candidate)) {
          partner = candidate;
          break;
        }
      }
      if (!partner || taken.has(entry.botId) || !this.#entry(entry.botId)) continue;
      // Out of the queue before the cross-object await, so no other pass can take them too.
      this.#remove(entry.botId, partner.botId);
      taken.add(entry.botId).add(partner.botId);
      try {
        await deps.dispatch(entry, partner);
        paired.add(entry.botId).add(partner.botId);
        log("info", "matchmaking_paired", { first: entry.botId, second: partner.botId });
      } catch (err) {
        log("error", "matchmaking_dispatch_failed", { error: describeError(err) });
        // Back in line at their places, but not tried again in this pass.
        this.#restore(entry);
        this.#restore(partner);
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
