/**
 * Failed `connect` attempts per client address (operator gateway §3.5): a rolling window
 * in the hub's SQLite. Once an address is over the limit every `connect` from it is refused
 * (`AUTH_RATE_LIMITED`) until the window has slid, whatever the credential.
 */
import { first, migrate, type Sql } from "../channels/sql.ts";
import { takeFromWindow, type WindowState } from "../lobby/sliding-window.ts";

export const FAILURE_WINDOW_MS = 60_000;

export class AuthFailures {
  readonly #sql: Sql;
  readonly #limit: number;

  constructor(sql: Sql, limitPerMinute: number) {
    this.#sql = sql;
    this.#limit = limitPerMinute;
    migrate(sql, [
      `CREATE TABLE IF NOT EXISTS auth_failures (
        ip TEXT PRIMARY KEY,
        window_start INTEGER NOT NULL,
        current INTEGER NOT NULL,
        previous INTEGER NOT NULL
      )`,
    ]);
  }

  #state(ip: string): WindowState | null {
    const row = first<{ window_start: number; current: number; previous: number }>(
      this.#sql,
      "SELECT window_start, current, previous FROM auth_failures WHERE ip = ?",
      ip,
    );
    return row
      ? { windowStart: row.window_start, current: row.current, previous: row.previous }
      : null;
  }

  /** Milliseconds until `ip` may try again, or `0` when it may now. */
  blockedFor(ip: string, now: number): number {
    const { allowed, state } = takeFromWindow(this.#state(ip), now, this.#limit, FAILURE_WINDOW_MS);
    return allowed ? 0 : state.windowStart + FAILURE_WINDOW_MS - now;
  }

  /** Counts one failed attempt of `ip`. */
  record(ip: string, now: number): void {
    const { state } = takeFromWindow(
      this.#state(ip),
      now,
      Number.POSITIVE_INFINITY,
      FAILURE_WINDOW_MS,
    );
    this.#sql.exec(
      `INSERT INTO auth_failures (ip, window_start, current, previous) VALUES (?, ?, ?, ?)
       ON CONFLICT (ip) DO UPDATE SET window_start = excluded.window_start,
         current = excluded.current, previous = excluded.previous`,
      ip,
      state.windowStart,
      state.current,
      state.previous,
    );
  }

  /** Forgets addresses whose window no longer counts anything. */
  purge(now: number): void {
    this.#sql.exec("DELETE FROM auth_failures WHERE window_start < ?", now - 2 * FAILURE_WINDOW_MS);
  }
}
