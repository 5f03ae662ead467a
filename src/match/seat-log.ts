/**
 * What each seat did and got wrong, append-only: every turn answered or auto-acted (so a late
 * duplicate is dropped, never re-applied, and with its decision-latency sample), and the bot
 * errors. Inserted as they happen inside the event's transaction; read once at the end for
 * `match_end`. The duplicate check and the error counts are read on first use and kept.
 */
import type { Sql, SqlValue } from "../channels/sql.ts";
import type { SeatStats } from "./results.ts";
import type { BotError, SeatRow, TurnRow } from "./state.ts";

const SCHEMA = `
-- Every turn answered or auto-acted, append-only: a late duplicate is dropped, never re-applied.
CREATE TABLE IF NOT EXISTS actions (
  request_id TEXT PRIMARY KEY,
  seat INTEGER NOT NULL,
  resolved_at INTEGER NOT NULL,
  -- Receive time of the accepted turn_action (audit only, §5.7); NULL for auto-actions.
  received_at INTEGER,
  action TEXT NOT NULL,
  is_timeout INTEGER NOT NULL,
  -- The decision-latency sample of match_end (§6.12), when the request reached a socket.
  latency_ms REAL
);
-- Per-seat bot errors for match_end, append-only: read once, at the end.
CREATE TABLE IF NOT EXISTS bot_errors (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  seat INTEGER NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  hand_number INTEGER NOT NULL
);
`;

type Row = Record<string, SqlValue>;

/** How a turn was resolved. */
export interface Answer {
  action: string;
  isTimeout: boolean;
  receivedAt: number | null;
  latencyMs: number | null;
}

export class SeatLog {
  readonly #sql: Sql;
  /** `seat:request_id` of every resolved turn, read on the first duplicate check. */
  #resolved: Set<string> | undefined;
  /** Stored bot errors per seat, read on the first error. */
  #errorCounts: Map<number, number> | undefined;

  constructor(sql: Sql) {
    this.#sql = sql;
    sql.exec(SCHEMA);
  }

  /** After a rolled-back transaction: what was read or counted is read again. */
  forget(): void {
    this.#resolved = undefined;
    this.#errorCounts = undefined;
  }

  /** Records a resolved turn (one row). */
  recordAnswer(turn: TurnRow, at: number, answer: Answer): void {
    this.#sql.exec(
      "INSERT OR IGNORE INTO actions (request_id, seat, resolved_at, received_at, action, is_timeout, latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
      turn.request_id,
      turn.seat,
      at,
      answer.receivedAt,
      answer.action,
      answer.isTimeout ? 1 : 0,
      answer.latencyMs,
    );
    this.#resolved?.add(`${turn.seat}:${turn.request_id}`);
  }

  isResolved(seat: number, requestId: string): boolean {
    if (!this.#resolved) {
      this.#resolved = new Set(
        this.#sql
          .exec<Row>("SELECT seat, request_id FROM actions")
          .toArray()
          .map((row) => `${row.seat}:${row.request_id}`),
      );
    }
    return this.#resolved.has(`${seat}:${requestId}`);
  }

  /** Seats with their `match_end` statistics (read at the end only). */
  stats(seats: readonly SeatRow[]): (SeatRow & SeatStats)[] {
    const errors = this.#sql
      .exec<Row>("SELECT seat, code, message, hand_number FROM bot_errors ORDER BY id")
      .toArray();
    const samples = this.#sql
      .exec<Row>("SELECT seat, latency_ms FROM actions WHERE latency_ms IS NOT NULL ORDER BY rowid")
      .toArray();
    return seats.map((seat) => ({
      ...seat,
      bot_errors: errors
        .filter((e) => e.seat === seat.seat)
        .map((e) => ({
          code: String(e.code),
          message: String(e.message),
          hand_number: Number(e.hand_number),
        })),
      latencies: samples.filter((l) => l.seat === seat.seat).map((l) => Number(l.latency_ms)),
    }));
  }

  /** Records a bot error unless the seat already has `limit` of them. */
  addBotError(seat: number, error: BotError, limit: number): void {
    if (!this.#errorCounts) {
      this.#errorCounts = new Map(
        this.#sql
          .exec<Row>("SELECT seat, COUNT(*) AS n FROM bot_errors GROUP BY seat")
          .toArray()
          .map((row) => [Number(row.seat), Number(row.n)]),
      );
    }
    const count = this.#errorCounts.get(seat) ?? 0;
    if (count >= limit) return;
    this.#sql.exec(
      "INSERT INTO bot_errors (seat, code, message, hand_number) VALUES (?, ?, ?, ?)",
      seat,
      error.code,
      error.message,
      error.hand_number,
    );
    this.#errorCounts.set(seat, count + 1);
  }
}
