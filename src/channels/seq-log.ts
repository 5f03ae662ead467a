/**
 * A durable log with a dense per-log `seq`: channel messages and inbox whispers. The last
 * `seq` is kept apart from the rows, so pruning (by age or count) never renumbers and a
 * pruned log still knows where it was. Appends are idempotent per sender and client id
 * while the first copy is retained. Retention is exact for readers (every read skips what
 * is past the age or count limit) while deletion is lazy: amortised on append, hourly by
 * the owner's alarm.
 */
import type { LoggedEntry } from "../protocol/channel-frames.ts";
import { first, migrate, rows, type Sql } from "./sql.ts";

/** Largest replay batch and history page (§5). */
export const MAX_BATCH = 1000;
/** History page size when the client gives no `limit`. */
export const DEFAULT_HISTORY_LIMIT = 100;
/** The append path deletes entries past the count limit every this many entries. */
export const TRIM_BATCH = 32;

/** The result of an append. */
export interface Appended {
  seq: number;
  ts: number;
  /** `true` when this sender already posted this client id: the original is answered. */
  duplicate: boolean;
}

/** A resume batch and what `caught_up` must say about it. */
export interface Replay {
  entries: LoggedEntry[];
  /** The log's latest `seq`. */
  latest: number;
  /** Entries after `since` were pruned before they could be replayed. */
  gap: boolean;
  /** With `gap`: the first `seq` still available (latest + 1 when none is). */
  fromSeq: number | null;
  /** The batch was cut at `MAX_BATCH`; the rest is read with `history`. */
  more: boolean;
}

/** What a log keeps: entries younger than `maxAgeMs`, and at most the newest `maxCount`. */
export interface Retention {
  maxAgeMs: number;
  maxCount: number;
}

/** The bounds of a `history` request. */
export interface PageRequest {
  before_seq?: number | undefined;
  after_seq?: number | undefined;
  limit?: number | undefined;
}

interface Row extends Record<string, string | number> {
  seq: number;
  ts: number;
  sender: string;
  payload: string;
}

function toEntry(row: Row): LoggedEntry {
  return { seq: row.seq, ts: row.ts, from: row.sender, payload: JSON.parse(row.payload) };
}

/** One log (`messages` or `whispers`) in its object's SQLite. */
export class SeqLog {
  /**
   * The latest `seq`, kept in memory. Rows are the durable record of it: at start-up it is
   * the larger of the stored counter and the newest row, and the counter is written
   * before any delete, so pruning or acknowledging never loses it.
   */
  #latest: number;

  readonly #sql: Sql;
  /** Table name: a constant of the caller, never input. */
  readonly #table: "messages" | "whispers";
  readonly #retention: Retention;

  constructor(sql: Sql, table: "messages" | "whispers", retention: Retention) {
    this.#sql = sql;
    this.#table = table;
    this.#retention = retention;
    migrate(sql, [
      `CREATE TABLE IF NOT EXISTS ${table} (
        seq INTEGER PRIMARY KEY,
        ts INTEGER NOT NULL,
        sender TEXT NOT NULL,
        client_id TEXT NOT NULL,
        payload TEXT NOT NULL
      )`,
      `CREATE UNIQUE INDEX IF NOT EXISTS ${table}_by_client ON ${table} (sender, client_id)`,
      `CREATE INDEX IF NOT EXISTS ${table}_by_ts ON ${table} (ts)`,
      `CREATE TABLE IF NOT EXISTS seq_logs (
        name TEXT PRIMARY KEY,
        last_seq INTEGER NOT NULL,
        acked INTEGER NOT NULL DEFAULT 0
      )`,
      `INSERT OR IGNORE INTO seq_logs (name, last_seq) VALUES ('${table}', 0)`,
    ]);
    const newest = first<{ seq: number | null }>(sql, `SELECT MAX(seq) AS seq FROM ${table}`);
    this.#latest = Math.max(this.#state().last_seq, newest?.seq ?? 0);
  }

  /** The latest `seq` ever assigned (0 for an empty log). */
  latest(): number {
    return this.#latest;
  }

  /** The highest `seq` a reader acknowledged (inboxes). */
  acked(): number {
    return this.#state().acked;
  }

  #state(): { last_seq: number; acked: number } {
    return (
      first<{ last_seq: number; acked: number }>(
        this.#sql,
        "SELECT last_seq, acked FROM seq_logs WHERE name = ?",
        this.#table,
      ) ?? { last_seq: 0, acked: 0 }
    );
  }

  /** Persists the latest `seq` before rows are deleted (the newest row may go). */
  #persistLatest(): void {
    this.#sql.exec("UPDATE seq_logs SET last_seq = ? WHERE name = ?", this.#latest, this.#table);
  }

  /**
   * Stores an entry with the next `seq`, unless this sender already stored this client id,
   * in which case the original `seq` and `ts` come back with `duplicate: true`. One
   * statement on the common path: the unique index decides.
   */
  append(sender: string, clientId: string, payloadJson: string, now: number): Appended {
    const seq = this.#latest + 1;
    const inserted = rows<{ seq: number }>(
      this.#sql,
      `INSERT INTO ${this.#table} (seq, ts, sender, client_id, payload) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (sender, client_id) DO NOTHING RETURNING seq`,
      seq,
      now,
      sender,
      clientId,
      payloadJson,
    );
    if (inserted.length === 1) {
      this.#latest = seq;
      return { seq, ts: now, duplicate: false };
    }
    const existing = first<{ seq: number; ts: number }>(
      this.#sql,
      `SELECT seq, ts FROM ${this.#table} WHERE sender = ? AND client_id = ?`,
      sender,
      clientId,
    );
    if (!existing) throw new Error("append conflicted but the original entry is missing");
    return { ...existing, duplicate: true };
  }

  /** Entries after `since` (oldest first, at most `MAX_BATCH`), with the gap flag (§5). */
  replay(since: number, now: number): Replay {
    const latest = this.#latest;
    const found = rows<Row>(
      this.#sql,
      `SELECT seq, ts, sender, payload FROM ${this.#table} WHERE seq > ? AND ts >= ? ORDER BY seq LIMIT ?`,
      Math.max(since, this.#oldestKept()),
      now - this.#retention.maxAgeMs,
      MAX_BATCH + 1,
    );
    const more = found.length > MAX_BATCH;
    const entries = found.slice(0, MAX_BATCH).map(toEntry);
    const firstAvailable = entries[0]?.seq ?? latest + 1;
    const gap = since < latest && firstAvailable > since + 1;
    return { entries, latest, gap, fromSeq: gap ? firstAvailable : null, more };
  }

  /**
   * A history page (§5): with `after_seq`, the oldest entries after it; otherwise the newest
   * before `before_seq` (or the end). Always oldest first; `more` says the range continues
   * past the page in the direction read.
   */
  page(request: PageRequest, now: number): { entries: LoggedEntry[]; more: boolean } {
    const limit = Math.min(request.limit ?? DEFAULT_HISTORY_LIMIT, MAX_BATCH);
    const before = request.before_seq ?? Number.MAX_SAFE_INTEGER;
    const ascending = request.after_seq !== undefined;
    const found = rows<Row>(
      this.#sql,
      `SELECT seq, ts, sender, payload FROM ${this.#table}
       WHERE seq > ? AND seq < ? AND ts >= ?
       ORDER BY seq ${ascending ? "ASC" : "DESC"} LIMIT ?`,
      Math.max(request.after_seq ?? 0, this.#oldestKept()),
      before,
      now - this.#retention.maxAgeMs,
      limit + 1,
    );
    const more = found.length > limit;
    const page = found.slice(0, limit);
    if (!ascending) page.reverse();
    return { entries: page.map(toEntry), more };
  }

  /** Entries at or below this seq are past the count limit (whether deleted yet or not). */
  #oldestKept(): number {
    return Math.max(0, this.#latest - this.#retention.maxCount);
  }

  /** Deletes everything past the retention limits at `now`. Never renumbers. */
  trim(now: number): void {
    this.#persistLatest();
    this.#sql.exec(`DELETE FROM ${this.#table} WHERE ts < ?`, now - this.#retention.maxAgeMs);
    this.#sql.exec(`DELETE FROM ${this.#table} WHERE seq <= ?`, this.#oldestKept());
  }

  /**
   * The count limit on the append path, amortised: every `TRIM_BATCH`-th seq deletes the
   * entries beyond it (readers never see them either way).
   */
  trimCount(): void {
    if (this.#latest <= this.#retention.maxCount || this.#latest % TRIM_BATCH !== 0) return;
    this.#persistLatest();
    this.#sql.exec(`DELETE FROM ${this.#table} WHERE seq <= ?`, this.#oldestKept());
  }

  /** A reader has everything up to `seq`: those entries are no longer kept (inboxes). */
  acknowledge(seq: number): void {
    const through = Math.min(seq, this.#latest);
    this.#persistLatest();
    this.#sql.exec(`DELETE FROM ${this.#table} WHERE seq <= ?`, through);
    this.#sql.exec(
      "UPDATE seq_logs SET acked = MAX(acked, ?) WHERE name = ?",
      through,
      this.#table,
    );
  }

  /** Number of entries currently kept. */
  size(): number {
    return first<{ n: number }>(this.#sql, `SELECT COUNT(*) AS n FROM ${this.#table}`)?.n ?? 0;
  }
}
