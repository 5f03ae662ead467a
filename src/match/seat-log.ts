/**
 * What each seat did and got wrong: every turn answered or auto-acted (so a late duplicate is
 * dropped, never re-applied, and with its decision-latency sample), and the bot errors.
 *
 * A turn adds no row: the answers of the hand in play ride in the match document
 * (`MatchDoc.answered`, written with the state in the turn's one statement), and the hand's
 * last event moves them into its `hands` row (`hand-history.ts`), an update of a row that is
 * written then anyway. A new row per turn cost more than the rest of a turn's SQLite work
 * (docs/match.md). The duplicate check and the error counts are read on first use and kept;
 * objects created before keep their rows in the old `actions` table, read as well.
 */
import type { Sql, SqlValue } from "../channels/sql.ts";
import type { SeatStats } from "./results.ts";
import type { AnswerRow, BotError, SeatRow } from "./state.ts";

const SCHEMA = `
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
  /** The answers not yet moved to their hand's row: the match document's. */
  readonly #pending: () => readonly AnswerRow[];
  /** `seat:request_id` of every resolved turn, read on the first duplicate check. */
  #resolved: Set<string> | undefined;
  /** Stored bot errors per seat, read on the first error. */
  #errorCounts: Map<number, number> | undefined;

  constructor(sql: Sql, pending: () => readonly AnswerRow[]) {
    this.#sql = sql;
    this.#pending = pending;
    sql.exec(SCHEMA);
  }

  /** After a rolled-back transaction: what was read or counted is read again. */
  forget(): void {
    this.#resolved = undefined;
    this.#errorCounts = undefined;
  }

  /** The row of a resolved turn, for the document; the duplicate check knows it at once. */
  answer(seat: number, requestId: string, at: number, answer: Answer): AnswerRow {
    this.#resolved?.add(`${seat}:${requestId}`);
    return {
      seat,
      request_id: requestId,
      resolved_at: at,
      received_at: answer.receivedAt,
      action: answer.action,
      is_timeout: answer.isTimeout,
      latency_ms: answer.latencyMs,
    };
  }

  isResolved(seat: number, requestId: string): boolean {
    if (!this.#resolved) {
      this.#resolved = new Set(this.#answers().map((a) => `${a.seat}:${a.request_id}`));
    }
    return this.#resolved.has(`${seat}:${requestId}`);
  }

  /** Every resolved turn in order: the old table's, the finished hands', the hand in play's. */
  #answers(): Pick<AnswerRow, "seat" | "request_id" | "latency_ms">[] {
    const legacy = this.#sql
      .exec<Row>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'actions'")
      .toArray().length
      ? this.#sql
          .exec<Row>("SELECT seat, request_id, latency_ms FROM actions ORDER BY rowid")
          .toArray()
          .map((row) => ({
            seat: Number(row.seat),
            request_id: String(row.request_id),
            latency_ms: row.latency_ms === null ? null : Number(row.latency_ms),
          }))
      : [];
    const finished = this.#sql
      .exec<Row>("SELECT answers FROM hands WHERE answers IS NOT NULL ORDER BY hand_number")
      .toArray()
      .flatMap((row) => JSON.parse(String(row.answers)) as AnswerRow[]);
    return [...legacy, ...finished, ...this.#pending()];
  }

  /** Seats with their `match_end` statistics (read at the end only). */
  stats(seats: readonly SeatRow[]): (SeatRow & SeatStats)[] {
    const errors = this.#sql
      .exec<Row>("SELECT seat, code, message, hand_number FROM bot_errors ORDER BY id")
      .toArray();
    const answers = this.#answers();
    return seats.map((seat) => ({
      ...seat,
      bot_errors: errors
        .filter((e) => e.seat === seat.seat)
        .map((e) => ({
          code: String(e.code),
          message: String(e.message),
          hand_number: Number(e.hand_number),
        })),
      latencies: answers
        .filter((a) => a.seat === seat.seat && a.latency_ms !== null)
        .map((a) => Number(a.latency_ms)),
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
