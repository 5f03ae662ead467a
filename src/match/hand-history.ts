/**
 * The hand history of a match: one row per hand, its deal, commitment and reveal, and once
 * it is over its board and result. Kept after the match for the admin API
 * (`GET /api/matches/{id}/hands`); a hand in play is never served (its reveal is secret).
 */
import * as v from "valibot";
import type { Sql, SqlValue } from "../channels/sql.ts";
import { IsoTimestamp } from "../lib/time.ts";
import type { AnswerRow } from "./state.ts";

const SCHEMA = `
-- The hand history: kept for the admin API after the match.
CREATE TABLE IF NOT EXISTS hands (
  hand_number INTEGER PRIMARY KEY,
  round_id TEXT NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  dealer_seat INTEGER NOT NULL,
  hole_cards TEXT NOT NULL,
  deck_commitment TEXT NOT NULL,
  deck_reveal TEXT NOT NULL,
  board TEXT,
  result TEXT,
  -- The hand's answered turns (AnswerRow[] as JSON, seat-log.ts), set when it ends.
  answers TEXT
);
`;

/** One hand of the history as the admin API serves it. */
export const HandRecordSchema = v.strictObject({
  hand_number: v.number(),
  round_id: v.string(),
  started_at: IsoTimestamp,
  ended_at: v.nullable(IsoTimestamp),
  dealer_seat: v.number(),
  /** Each seat's hole cards, seat 0 first. */
  hole_cards: v.array(v.array(v.string())),
  /** The deck commitment of the hand (docs/poker.md). */
  deck_commitment: v.string(),
  /** The reveal that reproduces every dealt card from the commitment. */
  deck_reveal: v.unknown(),
  board: v.nullable(v.array(v.string())),
  /** The hand's `round_result.result` (bot protocol §6), `null` while it is being played. */
  result: v.unknown(),
});
export type HandRecord = v.InferOutput<typeof HandRecordSchema>;

type Row = Record<string, SqlValue>;

export class HandHistory {
  readonly #sql: Sql;
  /** Round ids by hand number, as written or read (a hand's id never changes). */
  readonly #roundIds = new Map<number, string>();

  constructor(sql: Sql) {
    this.#sql = sql;
    sql.exec(SCHEMA);
    // A table created before the hands held their answers gets the column once.
    const [table] = sql
      .exec<Row>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'hands'")
      .toArray();
    if (!String(table?.sql).includes("answers"))
      sql.exec("ALTER TABLE hands ADD COLUMN answers TEXT");
  }

  /** After a rolled-back transaction: a hand inserted in it is gone. */
  forget(): void {
    this.#roundIds.clear();
  }

  insert(hand: Omit<HandRecord, "ended_at" | "board" | "result">): void {
    this.#sql.exec(
      `INSERT OR REPLACE INTO hands (hand_number, round_id, started_at, dealer_seat, hole_cards,
         deck_commitment, deck_reveal) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      hand.hand_number,
      hand.round_id,
      hand.started_at,
      hand.dealer_seat,
      JSON.stringify(hand.hole_cards),
      hand.deck_commitment,
      JSON.stringify(hand.deck_reveal),
    );
    this.#roundIds.set(hand.hand_number, hand.round_id);
  }

  roundId(handNumber: number): string {
    const known = this.#roundIds.get(handNumber);
    if (known !== undefined) return known;
    const row = this.#sql
      .exec<Row>("SELECT round_id FROM hands WHERE hand_number = ?", handNumber)
      .toArray()[0];
    if (!row) throw new Error(`no hand ${handNumber}`);
    this.#roundIds.set(handNumber, String(row.round_id));
    return String(row.round_id);
  }

  finish(
    handNumber: number,
    endedAt: string,
    board: string[],
    result: unknown,
    answers: readonly AnswerRow[],
  ): void {
    this.#sql.exec(
      "UPDATE hands SET ended_at = ?, board = ?, result = ?, answers = ? WHERE hand_number = ?",
      endedAt,
      JSON.stringify(board),
      JSON.stringify(result),
      JSON.stringify(answers),
      handNumber,
    );
  }

  /** Completed hands, oldest first (a hand in play is left out: its reveal is still secret). */
  completed(): HandRecord[] {
    return this.#sql
      .exec<Row>("SELECT * FROM hands WHERE result IS NOT NULL ORDER BY hand_number")
      .toArray()
      .map((row) => ({
        hand_number: Number(row.hand_number),
        round_id: String(row.round_id),
        started_at: String(row.started_at),
        ended_at: row.ended_at === null ? null : String(row.ended_at),
        dealer_seat: Number(row.dealer_seat),
        hole_cards: JSON.parse(String(row.hole_cards)) as string[][],
        deck_commitment: String(row.deck_commitment),
        deck_reveal: JSON.parse(String(row.deck_reveal)) as unknown,
        board: row.board === null ? null : (JSON.parse(String(row.board)) as string[]),
        result: row.result === null ? null : (JSON.parse(String(row.result)) as unknown),
      }));
  }
}
