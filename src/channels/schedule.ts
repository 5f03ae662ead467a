/**
 * One alarm per object, many deadlines: a table of named deadlines whose earliest entry is
 * what the object's alarm is set to. Alarms are at-least-once, so handlers take their due
 * entries from this table and must be idempotent.
 */
import { first, migrate, rows, type Sql } from "./sql.ts";

/** Named deadlines in SQLite behind the object's one alarm. */
export class Schedule {
  /** Bumped on every write, so the owner can skip re-arming when nothing changed. */
  changes = 0;

  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
    migrate(sql, [
      "CREATE TABLE IF NOT EXISTS schedule (kind TEXT PRIMARY KEY, at INTEGER NOT NULL)",
    ]);
  }

  /** Makes `kind` due no later than `at` (an earlier existing deadline is kept). */
  atLatest(kind: string, at: number): void {
    this.changes += 1;
    this.#sql.exec(
      "INSERT INTO schedule (kind, at) VALUES (?, ?) ON CONFLICT (kind) DO UPDATE SET at = MIN(at, excluded.at)",
      kind,
      at,
    );
  }

  has(kind: string): boolean {
    return first(this.#sql, "SELECT 1 AS ok FROM schedule WHERE kind = ?", kind) !== null;
  }

  /** Removes and returns every kind due at `now`, earliest first. */
  takeDue(now: number): string[] {
    this.changes += 1;
    const due = rows<{ kind: string }>(
      this.#sql,
      "SELECT kind FROM schedule WHERE at <= ? ORDER BY at, kind",
      now,
    ).map((r) => r.kind);
    this.#sql.exec("DELETE FROM schedule WHERE at <= ?", now);
    return due;
  }

  /** The earliest deadline, or `null` when nothing is scheduled. */
  next(): number | null {
    return (
      first<{ at: number | null }>(this.#sql, "SELECT MIN(at) AS at FROM schedule")?.at ?? null
    );
  }
}

/** Where an object's alarm is set (`ctx.storage`). */
interface AlarmStorage {
  setAlarm(at: number): Promise<void>;
  deleteAlarm(): Promise<void>;
}

/**
 * The object's one alarm, kept at its schedule's earliest deadline: the storage call is
 * skipped when the schedule did not change or its earliest deadline did not move.
 */
export class ScheduleAlarm {
  readonly #storage: AlarmStorage;
  /** The alarm time last set (`undefined`: unknown since wake-up). */
  #armedAt: number | null | undefined;
  /** `Schedule.changes` when the alarm was last armed. */
  #armedChanges = -1;

  constructor(storage: AlarmStorage) {
    this.#storage = storage;
  }

  /** The alarm fired: nothing is armed any more. */
  fired(): void {
    this.#armedAt = null;
  }

  /** What was armed is unknown again (the storage was deleted). */
  forget(): void {
    this.#armedAt = undefined;
  }

  /** Sets the alarm to the earliest deadline of `schedule`, or deletes it when none is left. */
  async arm(schedule: Schedule): Promise<void> {
    if (schedule.changes === this.#armedChanges && this.#armedAt !== undefined) return;
    this.#armedChanges = schedule.changes;
    const next = schedule.next();
    if (next === this.#armedAt) return;
    this.#armedAt = next;
    if (next === null) await this.#storage.deleteAlarm();
    else await this.#storage.setAlarm(next);
  }
}
