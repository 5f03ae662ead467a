/**
 * Who is in a channel, by session path, with changes batched: every join or leave marks
 * the path dirty (remembering whether it was present at the last broadcast), and `flush`
 * turns the dirty set into one diff. A path that leaves and comes back within a batch
 * (a reconnect, a supersede) produces no diff at all.
 */
import { first, migrate, rows, type Sql } from "./sql.ts";

/** One batched presence change, as broadcast. */
export interface PresenceDiff {
  joined: string[];
  left: string[];
  version: number;
}

/** Presence of one channel in its object's SQLite. */
export class Presence {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
    migrate(sql, [
      `CREATE TABLE IF NOT EXISTS presence (
        path TEXT PRIMARY KEY,
        socket_id TEXT NOT NULL,
        since INTEGER NOT NULL
      )`,
      // was_present: the path's state as last broadcast, kept until the next flush.
      "CREATE TABLE IF NOT EXISTS presence_dirty (path TEXT PRIMARY KEY, was_present INTEGER NOT NULL)",
      "CREATE TABLE IF NOT EXISTS presence_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)",
      "INSERT OR IGNORE INTO presence_version (id, version) VALUES (1, 0)",
    ]);
  }

  #markDirty(path: string): void {
    const present = this.#socketOf(path) !== null ? 1 : 0;
    this.#sql.exec(
      "INSERT OR IGNORE INTO presence_dirty (path, was_present) VALUES (?, ?)",
      path,
      present,
    );
  }

  #socketOf(path: string): string | null {
    return (
      first<{ socket_id: string }>(this.#sql, "SELECT socket_id FROM presence WHERE path = ?", path)
        ?.socket_id ?? null
    );
  }

  /** `socketId` now holds `path` (a newer socket of the same path replaces the older). */
  join(path: string, socketId: string, now: number): void {
    this.#markDirty(path);
    this.#sql.exec(
      `INSERT INTO presence (path, socket_id, since) VALUES (?, ?, ?)
       ON CONFLICT (path) DO UPDATE SET socket_id = excluded.socket_id, since = excluded.since`,
      path,
      socketId,
      now,
    );
  }

  /** `socketId` is gone. A path held by a newer socket is left alone. */
  leave(path: string, socketId: string): boolean {
    if (this.#socketOf(path) !== socketId) return false;
    this.#markDirty(path);
    this.#sql.exec("DELETE FROM presence WHERE path = ?", path);
    return true;
  }

  /** Keeps only paths whose socket is in `liveSocketIds` (after a restart, nobody else is). */
  reconcile(liveSocketIds: ReadonlySet<string>): boolean {
    let changed = false;
    for (const row of rows<{ path: string; socket_id: string }>(
      this.#sql,
      "SELECT path, socket_id FROM presence",
    )) {
      if (!liveSocketIds.has(row.socket_id))
        changed = this.leave(row.path, row.socket_id) || changed;
    }
    return changed;
  }

  isDirty(): boolean {
    return first(this.#sql, "SELECT 1 AS ok FROM presence_dirty LIMIT 1") !== null;
  }

  /** The net change since the last flush, or `null` when nothing changed. */
  flush(): PresenceDiff | null {
    const dirty = rows<{ path: string; was_present: number; now_present: number }>(
      this.#sql,
      `SELECT d.path, d.was_present, (p.path IS NOT NULL) AS now_present
       FROM presence_dirty d LEFT JOIN presence p ON p.path = d.path ORDER BY d.path`,
    );
    this.#sql.exec("DELETE FROM presence_dirty");
    const joined = dirty.filter((d) => !d.was_present && d.now_present).map((d) => d.path);
    const left = dirty.filter((d) => d.was_present && !d.now_present).map((d) => d.path);
    if (joined.length === 0 && left.length === 0) return null;
    this.#sql.exec("UPDATE presence_version SET version = version + 1 WHERE id = 1");
    return { joined, left, version: this.version() };
  }

  version(): number {
    return (
      first<{ version: number }>(this.#sql, "SELECT version FROM presence_version WHERE id = 1")
        ?.version ?? 0
    );
  }

  list(): Array<{ path: string; since: number }> {
    return rows<{ path: string; since: number }>(
      this.#sql,
      "SELECT path, since FROM presence ORDER BY path",
    );
  }
}
