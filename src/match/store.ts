/**
 * The match object's SQLite storage: every piece of match state lives here, never only in
 * memory, because the object can be evicted or restarted between any two events.
 */
import * as v from "valibot";
import { IsoTimestamp } from "../lib/time.ts";
import type { MatchConfig } from "./config.ts";
import type { RateState } from "./limits.ts";
import type { ForfeitReason, SeatStats } from "./results.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  match_id TEXT NOT NULL,
  -- waiting (dispatched, seats connecting) → playing → ended
  status TEXT NOT NULL,
  config TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  ended_at INTEGER,
  -- The poker engine's MatchState as JSON.
  engine TEXT,
  spectator_seq INTEGER NOT NULL DEFAULT 0,
  -- The outcome written to the registry at the end (JSON), and whether that write succeeded.
  outcome TEXT,
  recorded INTEGER NOT NULL DEFAULT 0,
  -- The time the one alarm was last armed for (see MatchRoom.alarm).
  armed_at INTEGER
);
CREATE TABLE IF NOT EXISTS seats (
  seat INTEGER PRIMARY KEY,
  participant_id TEXT NOT NULL UNIQUE,
  bot_id TEXT NOT NULL,
  name TEXT NOT NULL,
  -- NULL for a remote bot; the strategy name for a house bot.
  house_strategy TEXT,
  -- Last game-frame seq sent to this seat (§5.3).
  seq INTEGER NOT NULL DEFAULT 0,
  -- The connection id of the seat's live socket, NULL while none.
  conn TEXT,
  disconnected_at INTEGER,
  drops INTEGER NOT NULL DEFAULT 0,
  reconnects INTEGER NOT NULL DEFAULT 0,
  -- Why the seat lost the match by forfeit: grace_expired | budget_exhausted.
  forfeit TEXT,
  -- The message-rate window (§5.10): read only when a message is counted.
  rate_times TEXT NOT NULL DEFAULT '[]',
  rate_violations INTEGER NOT NULL DEFAULT 0,
  last_violation_at INTEGER,
  invalid_hand INTEGER NOT NULL DEFAULT 0,
  invalid_count INTEGER NOT NULL DEFAULT 0
);
-- Per-seat statistics for match_end, append-only: read once, at the end.
CREATE TABLE IF NOT EXISTS bot_errors (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  seat INTEGER NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  hand_number INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS latencies (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  seat INTEGER NOT NULL,
  ms REAL NOT NULL
);
-- The pending turn of each seat, from the moment it is owed until it is resolved.
CREATE TABLE IF NOT EXISTS turns (
  seat INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL UNIQUE,
  hand_number INTEGER NOT NULL,
  valid_actions TEXT NOT NULL,
  state TEXT NOT NULL,
  timeout_ms INTEGER NOT NULL,
  -- When the clock started (the turn_request left the server); NULL while still queued.
  sent_at INTEGER,
  -- First real delivery on a socket: the start of the decision-latency sample (§6.12).
  first_sent_at INTEGER,
  deadline INTEGER,
  -- Set while the clock is paused by the seat's first disconnection (§5.9).
  paused_remaining INTEGER
);
-- Request ids already answered (or auto-acted): a late duplicate is dropped, never re-applied.
CREATE TABLE IF NOT EXISTS resolved (
  request_id TEXT PRIMARY KEY,
  seat INTEGER NOT NULL,
  resolved_at INTEGER NOT NULL,
  -- Receive time of the accepted turn_action (audit only, §5.7); NULL for auto-actions.
  received_at INTEGER,
  action TEXT NOT NULL,
  is_timeout INTEGER NOT NULL
);
-- Per-seat outbound queue: frames leave in id order once due (jittered turn_result copies).
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  seat INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_by_seat ON outbox (seat, id);
-- Every deadline of the match; the one alarm is armed for the earliest row (or outbox row).
CREATE TABLE IF NOT EXISTS schedule (
  key TEXT PRIMARY KEY,
  due_at INTEGER NOT NULL
);
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
  result TEXT
);
`;

export type MatchStatus = "waiting" | "playing" | "ended";

export interface MetaRow {
  match_id: string;
  status: MatchStatus;
  config: MatchConfig;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  engine: string | null;
  spectator_seq: number;
  outcome: string | null;
  recorded: boolean;
  armed_at: number | null;
}

export interface SeatRow {
  seat: number;
  participant_id: string;
  bot_id: string;
  name: string;
  house_strategy: string | null;
  seq: number;
  conn: string | null;
  disconnected_at: number | null;
  drops: number;
  reconnects: number;
  forfeit: ForfeitReason | null;
  rate_violations: number;
  invalid_hand: number;
  invalid_count: number;
}

/** One `bot_errors` entry of `match_end` (§5.4.7; the shape is our choice). */
export interface BotError {
  code: string;
  message: string;
  hand_number: number;
}

export interface TurnRow {
  seat: number;
  request_id: string;
  hand_number: number;
  valid_actions: string[];
  /** `turn_request.state`, stored as sent so a re-send is identical (§5.9). */
  state: unknown;
  timeout_ms: number;
  sent_at: number | null;
  first_sent_at: number | null;
  deadline: number | null;
  paused_remaining: number | null;
}

export type OutboxKind = "frame" | "turn_request" | "match_end";

export interface OutboxRow {
  id: number;
  seat: number;
  due_at: number;
  kind: OutboxKind;
  body: string;
}

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

type Row = Record<string, SqlStorageValue>;

/** Every seat column but the rate window, which only the rate check reads. */
const SEAT_COLUMNS = `seat, participant_id, bot_id, name, house_strategy, seq, conn, disconnected_at,
  drops, reconnects, forfeit, rate_violations, invalid_hand, invalid_count`;

/**
 * Typed access to the match object's tables. Every call is synchronous SQLite. The two rows
 * read on every event (meta and seats) are memoized; every write through this class drops
 * the memo, and the room drops it at the start of each event and after a rollback, so it
 * never outlives what storage says.
 */
export class MatchStore {
  readonly sql: SqlStorage;
  #meta: MetaRow | null | undefined;
  #seats: SeatRow[] | undefined;

  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec(SCHEMA);
  }

  /** Forgets the memoized rows (start of an event, or a rolled-back transaction). */
  forget(): void {
    this.#meta = undefined;
    this.#seats = undefined;
  }

  // ---- meta ----

  meta(): MetaRow | null {
    if (this.#meta === undefined) this.#meta = this.#readMeta();
    return this.#meta;
  }

  #readMeta(): MetaRow | null {
    const row = this.sql.exec<Row>("SELECT * FROM meta WHERE id = 1").toArray()[0];
    if (!row) return null;
    return {
      match_id: String(row.match_id),
      status: row.status as MatchStatus,
      config: JSON.parse(String(row.config)) as MatchConfig,
      created_at: Number(row.created_at),
      started_at: row.started_at === null ? null : Number(row.started_at),
      ended_at: row.ended_at === null ? null : Number(row.ended_at),
      engine: row.engine === null ? null : String(row.engine),
      spectator_seq: Number(row.spectator_seq),
      outcome: row.outcome === null ? null : String(row.outcome),
      recorded: row.recorded === 1,
      armed_at: row.armed_at === null ? null : Number(row.armed_at),
    };
  }

  insertMeta(matchId: string, config: MatchConfig, createdAt: number): void {
    this.#meta = undefined;
    this.sql.exec(
      "INSERT INTO meta (id, match_id, status, config, created_at) VALUES (1, ?, 'waiting', ?, ?)",
      matchId,
      JSON.stringify(config),
      createdAt,
    );
  }

  updateMeta(fields: Partial<Record<keyof MetaRow, SqlStorageValue>>): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    this.#meta = undefined;
    this.sql.exec(
      `UPDATE meta SET ${keys.map((k) => `${k} = ?`).join(", ")} WHERE id = 1`,
      ...keys.map((k) => fields[k as keyof MetaRow]),
    );
  }

  nextSpectatorSeq(): number {
    this.#meta = undefined;
    return Number(
      this.sql
        .exec<Row>(
          "UPDATE meta SET spectator_seq = spectator_seq + 1 WHERE id = 1 RETURNING spectator_seq",
        )
        .one().spectator_seq,
    );
  }

  // ---- seats ----

  insertSeat(seat: {
    seat: number;
    participant_id: string;
    bot_id: string;
    name: string;
    house_strategy: string | null;
  }): void {
    this.#seats = undefined;
    this.sql.exec(
      "INSERT INTO seats (seat, participant_id, bot_id, name, house_strategy) VALUES (?, ?, ?, ?, ?)",
      seat.seat,
      seat.participant_id,
      seat.bot_id,
      seat.name,
      seat.house_strategy,
    );
  }

  seats(): SeatRow[] {
    if (this.#seats === undefined) {
      this.#seats = this.sql
        .exec<Row>(`SELECT ${SEAT_COLUMNS} FROM seats ORDER BY seat`)
        .toArray()
        .map(seatFromRow);
    }
    return this.#seats;
  }

  seat(seat: number): SeatRow {
    const row = this.seats().find((s) => s.seat === seat);
    if (!row) throw new Error(`no seat ${seat}`);
    return row;
  }

  seatByParticipant(participantId: string): SeatRow | null {
    return this.seats().find((s) => s.participant_id === participantId) ?? null;
  }

  updateSeat(
    seat: number,
    fields: Partial<Record<keyof SeatRow | "rate_times" | "last_violation_at", SqlStorageValue>>,
  ): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    this.#seats = undefined;
    this.sql.exec(
      `UPDATE seats SET ${keys.map((k) => `${k} = ?`).join(", ")} WHERE seat = ?`,
      ...keys.map((k) => fields[k as keyof typeof fields]),
      seat,
    );
  }

  /** The seat's message-rate window (§5.10). */
  rateState(seat: number): RateState {
    const row = this.sql
      .exec<Row>(
        "SELECT rate_times, rate_violations, last_violation_at FROM seats WHERE seat = ?",
        seat,
      )
      .one();
    return {
      times: JSON.parse(String(row.rate_times)) as number[],
      violations: Number(row.rate_violations),
      lastViolationAt: row.last_violation_at === null ? null : Number(row.last_violation_at),
    };
  }

  saveRateState(seat: number, state: RateState): void {
    this.updateSeat(seat, {
      rate_times: JSON.stringify(state.times),
      rate_violations: state.violations,
      last_violation_at: state.lastViolationAt,
    });
  }

  /** Advances and returns the seat's game-frame counter (§5.3). */
  nextSeq(seat: number): number {
    this.#seats = undefined;
    return Number(
      this.sql.exec<Row>("UPDATE seats SET seq = seq + 1 WHERE seat = ? RETURNING seq", seat).one()
        .seq,
    );
  }

  /** Seats with their `match_end` statistics (read at the end only). */
  seatStats(): (SeatRow & SeatStats)[] {
    const errors = this.sql
      .exec<Row>("SELECT seat, code, message, hand_number FROM bot_errors ORDER BY id")
      .toArray();
    const samples = this.sql.exec<Row>("SELECT seat, ms FROM latencies ORDER BY id").toArray();
    return this.seats().map((seat) => ({
      ...seat,
      bot_errors: errors
        .filter((e) => e.seat === seat.seat)
        .map((e) => ({
          code: String(e.code),
          message: String(e.message),
          hand_number: Number(e.hand_number),
        })),
      latencies: samples.filter((l) => l.seat === seat.seat).map((l) => Number(l.ms)),
    }));
  }

  /** Records a bot error unless the seat already has `limit` of them. */
  addBotError(seat: number, error: BotError, limit: number): void {
    const count = Number(
      this.sql.exec<Row>("SELECT COUNT(*) AS n FROM bot_errors WHERE seat = ?", seat).one().n,
    );
    if (count >= limit) return;
    this.sql.exec(
      "INSERT INTO bot_errors (seat, code, message, hand_number) VALUES (?, ?, ?, ?)",
      seat,
      error.code,
      error.message,
      error.hand_number,
    );
  }

  addLatency(seat: number, ms: number): void {
    this.sql.exec("INSERT INTO latencies (seat, ms) VALUES (?, ?)", seat, ms);
  }

  // ---- turns ----

  turn(seat: number): TurnRow | null {
    const row = this.sql.exec<Row>("SELECT * FROM turns WHERE seat = ?", seat).toArray()[0];
    return row ? turnFromRow(row) : null;
  }

  insertTurn(turn: TurnRow): void {
    this.sql.exec(
      `INSERT INTO turns (seat, request_id, hand_number, valid_actions, state, timeout_ms, sent_at,
         first_sent_at, deadline, paused_remaining) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      turn.seat,
      turn.request_id,
      turn.hand_number,
      JSON.stringify(turn.valid_actions),
      JSON.stringify(turn.state),
      turn.timeout_ms,
      turn.sent_at,
      turn.first_sent_at,
      turn.deadline,
      turn.paused_remaining,
    );
  }

  updateTurn(
    seat: number,
    fields: Partial<Pick<TurnRow, "sent_at" | "first_sent_at" | "deadline" | "paused_remaining">>,
  ): void {
    const keys = Object.keys(fields) as (keyof typeof fields)[];
    if (keys.length === 0) return;
    this.sql.exec(
      `UPDATE turns SET ${keys.map((k) => `${k} = ?`).join(", ")} WHERE seat = ?`,
      ...keys.map((k) => fields[k] ?? null),
      seat,
    );
  }

  /** Closes a turn and remembers its id so a late duplicate answer is dropped. */
  resolveTurn(
    turn: TurnRow,
    at: number,
    answer: { action: string; isTimeout: boolean; receivedAt: number | null },
  ): void {
    this.sql.exec("DELETE FROM turns WHERE seat = ?", turn.seat);
    this.sql.exec(
      "INSERT OR IGNORE INTO resolved (request_id, seat, resolved_at, received_at, action, is_timeout) VALUES (?, ?, ?, ?, ?, ?)",
      turn.request_id,
      turn.seat,
      at,
      answer.receivedAt,
      answer.action,
      answer.isTimeout ? 1 : 0,
    );
  }

  isResolved(seat: number, requestId: string): boolean {
    return (
      this.sql
        .exec<Row>(
          "SELECT 1 AS hit FROM resolved WHERE request_id = ? AND seat = ?",
          requestId,
          seat,
        )
        .toArray().length > 0
    );
  }

  clearTurns(): void {
    this.sql.exec("DELETE FROM turns");
  }

  // ---- outbox ----

  /**
   * Queues a frame for a seat. Its due time is never earlier than the seat's last queued
   * frame, so a seat's frames leave in order even when one of them is delayed (§5.4.4).
   */
  enqueue(seat: number, dueAt: number, kind: OutboxKind, body: string): void {
    const last = this.sql
      .exec<Row>("SELECT MAX(due_at) AS last FROM outbox WHERE seat = ?", seat)
      .one().last;
    const due = last === null ? dueAt : Math.max(dueAt, Number(last));
    this.sql.exec(
      "INSERT INTO outbox (seat, due_at, kind, body) VALUES (?, ?, ?, ?)",
      seat,
      due,
      kind,
      body,
    );
  }

  /** Removes and returns the frames due by `horizon`, in queue order. */
  takeDue(horizon: number): OutboxRow[] {
    const rows = this.sql
      .exec<Row>("SELECT * FROM outbox WHERE due_at <= ? ORDER BY id", horizon)
      .toArray();
    if (rows.length > 0) this.sql.exec("DELETE FROM outbox WHERE due_at <= ?", horizon);
    return rows.map((row) => ({
      id: Number(row.id),
      seat: Number(row.seat),
      due_at: Number(row.due_at),
      kind: row.kind as OutboxKind,
      body: String(row.body),
    }));
  }

  /** Whether any frame is queued for the seat. */
  hasQueued(seat: number): boolean {
    return (
      this.sql.exec<Row>("SELECT 1 AS hit FROM outbox WHERE seat = ? LIMIT 1", seat).toArray()
        .length > 0
    );
  }

  // ---- schedule ----

  schedule(key: string, dueAt: number): void {
    this.sql.exec(
      "INSERT INTO schedule (key, due_at) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at",
      key,
      dueAt,
    );
  }

  unschedule(key: string): void {
    this.sql.exec("DELETE FROM schedule WHERE key = ?", key);
  }

  /** Schedule keys due by `horizon`, earliest first. */
  dueKeys(horizon: number): string[] {
    return this.sql
      .exec<Row>("SELECT key FROM schedule WHERE due_at <= ? ORDER BY due_at, key", horizon)
      .toArray()
      .map((row) => String(row.key));
  }

  /**
   * At the end of a match: drops every game deadline, keeping the handshake deadlines of
   * sockets still connecting and the registry write.
   */
  clearGameSchedule(): void {
    this.sql.exec(
      "DELETE FROM schedule WHERE key NOT LIKE 'auth:%' AND key NOT LIKE 'hello:%' AND key != 'record'",
    );
  }

  /** The earliest moment anything is due: a schedule row or a queued frame. */
  earliestDue(): number | null {
    const row = this.sql
      .exec<Row>(
        "SELECT MIN(t) AS t FROM (SELECT MIN(due_at) AS t FROM schedule UNION ALL SELECT MIN(due_at) AS t FROM outbox)",
      )
      .one();
    return row.t === null ? null : Number(row.t);
  }

  // ---- hands ----

  insertHand(hand: Omit<HandRecord, "ended_at" | "board" | "result">): void {
    this.sql.exec(
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
  }

  roundId(handNumber: number): string {
    const row = this.sql
      .exec<Row>("SELECT round_id FROM hands WHERE hand_number = ?", handNumber)
      .toArray()[0];
    if (!row) throw new Error(`no hand ${handNumber}`);
    return String(row.round_id);
  }

  finishHand(handNumber: number, endedAt: string, board: string[], result: unknown): void {
    this.sql.exec(
      "UPDATE hands SET ended_at = ?, board = ?, result = ? WHERE hand_number = ?",
      endedAt,
      JSON.stringify(board),
      JSON.stringify(result),
      handNumber,
    );
  }

  /** Completed hands, oldest first (a hand in play is left out: its reveal is still secret). */
  completedHands(): HandRecord[] {
    return this.sql
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

function seatFromRow(row: Row): SeatRow {
  return {
    seat: Number(row.seat),
    participant_id: String(row.participant_id),
    bot_id: String(row.bot_id),
    name: String(row.name),
    house_strategy: row.house_strategy === null ? null : String(row.house_strategy),
    seq: Number(row.seq),
    conn: row.conn === null ? null : String(row.conn),
    disconnected_at: row.disconnected_at === null ? null : Number(row.disconnected_at),
    drops: Number(row.drops),
    reconnects: Number(row.reconnects),
    forfeit: row.forfeit === null ? null : (row.forfeit as ForfeitReason),
    rate_violations: Number(row.rate_violations),
    invalid_hand: Number(row.invalid_hand),
    invalid_count: Number(row.invalid_count),
  };
}

function turnFromRow(row: Row): TurnRow {
  return {
    seat: Number(row.seat),
    request_id: String(row.request_id),
    hand_number: Number(row.hand_number),
    valid_actions: JSON.parse(String(row.valid_actions)) as string[],
    state: JSON.parse(String(row.state)) as unknown,
    timeout_ms: Number(row.timeout_ms),
    sent_at: row.sent_at === null ? null : Number(row.sent_at),
    first_sent_at: row.first_sent_at === null ? null : Number(row.first_sent_at),
    deadline: row.deadline === null ? null : Number(row.deadline),
    paused_remaining: row.paused_remaining === null ? null : Number(row.paused_remaining),
  };
}
