/**
 * The one-alarm-per-object schedule: a Durable Object has a single alarm, so every
 * deadline it owns is a row here and the alarm is always armed at the earliest row.
 * Rows live in the object's SQLite, so they survive hibernation and eviction; an alarm
 * that fires early or twice (alarms are at-least-once) just finds nothing due.
 */
export class Schedule {
  readonly #sql: SqlStorage;
  readonly #storage: DurableObjectStorage;

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
    this.#sql = storage.sql;
    this.#sql.exec(
      "CREATE TABLE IF NOT EXISTS schedule (key TEXT PRIMARY KEY, due_at INTEGER NOT NULL)",
    );
  }

  /** Sets (or moves) the deadline `key` to `dueAt` (epoch ms). */
  set(key: string, dueAt: number): void {
    this.#sql.exec(
      "INSERT INTO schedule (key, due_at) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at",
      key,
      dueAt,
    );
  }

  /** Removes the deadline `key` (no-op when absent). */
  delete(key: string): void {
    this.#sql.exec("DELETE FROM schedule WHERE key = ?", key);
  }

  /** The due time of `key`, or `null`. */
  get(key: string): number | null {
    const row = this.#sql
      .exec<{ due_at: number }>("SELECT due_at FROM schedule WHERE key = ?", key)
      .toArray()[0];
    return row ? row.due_at : null;
  }

  /** Keys due at or before `now`, earliest first. Handlers delete or move each one. */
  due(now: number): string[] {
    return this.#sql
      .exec<{ key: string }>("SELECT key FROM schedule WHERE due_at <= ? ORDER BY due_at, key", now)
      .toArray()
      .map((row) => row.key);
  }

  /** Arms the object's alarm at the earliest deadline, or clears it when nothing is scheduled. */
  async arm(): Promise<void> {
    const row = this.#sql
      .exec<{ next: number | null }>("SELECT min(due_at) AS next FROM schedule")
      .toArray()[0];
    const next = row?.next ?? null;
    if (next === null) {
      await this.#storage.deleteAlarm();
      return;
    }
    const current = await this.#storage.getAlarm();
    if (current !== next) await this.#storage.setAlarm(next);
  }
}
