/**
 * The match object's storage, kept in memory for the object's lifetime and written through.
 *
 * Everything the match needs between events — status, seats, pending turns, deadlines, the
 * outbound queue, counters — is one small document (`match_state.doc`; only the seats'
 * one-second rate windows stay in memory, `#rateTimes`), and the engine state
 * sits beside it (`match_state.engine`); both are read once after the object is constructed
 * (a new object, an eviction, a restart). A change updates the memory and marks what it
 * touched; `commit()`, at the end of each event's transaction, writes what changed in one
 * statement, so the memory and SQLite commit together. A rollback drops the memory
 * (`reload()`), and the next read takes it from SQLite again. Append-only records are rows
 * of their own, read at the end or by the admin API: the hand history (`hand-history.ts`),
 * which also takes each finished hand's answered turns out of the document, and the bot
 * errors (`seat-log.ts`).
 */
import type { Sql, SqlValue } from "../channels/sql.ts";
import type { MatchState } from "../poker/index.ts";
import type { MatchConfig } from "./config.ts";
import { HandHistory } from "./hand-history.ts";
import type { RateState } from "./limits.ts";
import { type Answer, SeatLog } from "./seat-log.ts";
import type { MatchDoc, MetaRow, OutboxKind, OutboxRow, SeatRow, TurnRow } from "./state.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS match_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  match_id TEXT NOT NULL,
  config TEXT NOT NULL,
  -- MatchDoc as JSON: every piece of state an event reads (see MatchStore).
  doc TEXT NOT NULL,
  -- The poker engine's MatchState as JSON; NULL before the start.
  engine TEXT
);
`;

type Row = Record<string, SqlValue>;

/** Fields of a seat a change may set (its identity never changes). */
type SeatChange = Partial<Omit<SeatRow, "seat" | "participant_id" | "bot_id" | "name">>;
type MetaChange = Partial<Omit<MetaRow, "match_id" | "config" | "created_at">>;
type TurnChange = Partial<
  Pick<TurnRow, "sent_at" | "first_sent_at" | "deadline" | "paused_remaining">
>;

/**
 * Typed access to the match's state. Reads are memory; changes replace the object they
 * change (a caller holding the old one keeps a consistent snapshot) and mark the document
 * or the engine for `commit()`.
 */
export class MatchStore {
  readonly sql: Sql;
  /** undefined: not read yet; null: no match in this object. */
  #doc: MatchDoc | null | undefined;
  #engine: MatchState | null = null;
  #docDirty = false;
  #engineDirty = false;
  /**
   * Receive times inside each seat's one-second rate window (§5.10), per object lifetime: at
   * a high limit they were most of the document every event rewrote (docs/match.md, "State
   * and time"); the violations counted from them are stored.
   */
  readonly #rateTimes = new Map<number, number[]>();
  /** The hand history (its own table; the room reads and writes it through here). */
  readonly history: HandHistory;
  /** What each seat did and got wrong (append-only rows: answers, latencies, errors). */
  readonly log: SeatLog;

  constructor(sql: Sql) {
    this.sql = sql;
    sql.exec(SCHEMA);
    this.history = new HandHistory(sql);
    this.log = new SeatLog(sql, () => this.#state()?.answered ?? []);
  }

  #state(): MatchDoc | null {
    if (this.#doc === undefined) {
      const row = this.sql
        .exec<Row>("SELECT config, doc, engine FROM match_state WHERE id = 1")
        .toArray()[0];
      if (!row) {
        this.#doc = null;
      } else {
        const doc = JSON.parse(String(row.doc)) as MatchDoc;
        for (const seat of doc.seats as (SeatRow & { rate_times?: number[] })[]) {
          // Stored by an older version: its window carries on in memory.
          if (seat.rate_times) this.#rateTimes.set(seat.seat, seat.rate_times);
          delete seat.rate_times;
        }
        doc.meta.config = JSON.parse(String(row.config)) as MatchConfig;
        this.#doc = doc;
        this.#engine = row.engine === null ? null : (JSON.parse(String(row.engine)) as MatchState);
      }
    }
    return this.#doc;
  }

  #require(): MatchDoc {
    const doc = this.#state();
    if (!doc) throw new Error("match not created");
    return doc;
  }

  /**
   * After a rolled-back transaction: drops the memory; the next read is from SQLite. The rate
   * windows stay: the messages they count did arrive.
   */
  reload(): void {
    this.#doc = undefined;
    this.#engine = null;
    this.#docDirty = false;
    this.#engineDirty = false;
    this.log.forget();
    this.history.forget();
  }

  /** Writes what changed since the last commit; called inside the event's transaction. */
  commit(): void {
    if (!this.#docDirty && !this.#engineDirty) return;
    const doc = this.#require();
    const sets: string[] = [];
    const values: SqlValue[] = [];
    if (this.#docDirty) {
      sets.push("doc = ?");
      values.push(JSON.stringify({ ...doc, meta: { ...doc.meta, config: undefined } }));
    }
    if (this.#engineDirty) {
      sets.push("engine = ?");
      values.push(JSON.stringify(this.#engine));
    }
    this.sql.exec(`UPDATE match_state SET ${sets.join(", ")} WHERE id = 1`, ...values);
    this.#docDirty = false;
    this.#engineDirty = false;
  }

  // ---- meta ----

  meta(): MetaRow | null {
    return this.#state()?.meta ?? null;
  }

  insertMeta(matchId: string, config: MatchConfig, createdAt: number): void {
    const meta: MetaRow = {
      match_id: matchId,
      status: "waiting",
      config,
      created_at: createdAt,
      started_at: null,
      ended_at: null,
      spectator_seq: 0,
      outcome: null,
      recorded: false,
      armed_at: null,
    };
    const doc: MatchDoc = { meta, seats: [], turns: [], schedule: {}, outbox: [], outbox_id: 0 };
    this.sql.exec(
      "INSERT INTO match_state (id, match_id, config, doc) VALUES (1, ?, ?, '{}')",
      matchId,
      JSON.stringify(config),
    );
    this.#doc = doc;
    this.#docDirty = true;
  }

  updateMeta(fields: MetaChange): void {
    const doc = this.#require();
    doc.meta = { ...doc.meta, ...fields };
    this.#docDirty = true;
  }

  nextSpectatorSeq(): number {
    const seq = this.#require().meta.spectator_seq + 1;
    this.updateMeta({ spectator_seq: seq });
    return seq;
  }

  /** The engine state (mutated in place by the engine; `saveEngine` marks it changed). */
  engine(): MatchState | null {
    this.#state();
    return this.#engine;
  }

  saveEngine(engine: MatchState): void {
    this.#require();
    this.#engine = engine;
    this.#engineDirty = true;
  }

  // ---- seats ----

  insertSeat(seat: {
    seat: number;
    participant_id: string;
    bot_id: string;
    name: string;
    house_strategy: string | null;
  }): void {
    const doc = this.#require();
    doc.seats = [
      ...doc.seats,
      {
        ...seat,
        seq: 0,
        conn: null,
        disconnected_at: null,
        drops: 0,
        reconnects: 0,
        forfeit: null,
        rate_violations: 0,
        last_violation_at: null,
        invalid_hand: 0,
        invalid_count: 0,
      },
    ].sort((a, b) => a.seat - b.seat);
    this.#docDirty = true;
  }

  seats(): SeatRow[] {
    return this.#state()?.seats ?? [];
  }

  seat(seat: number): SeatRow {
    const row = this.seats().find((s) => s.seat === seat);
    if (!row) throw new Error(`no seat ${seat}`);
    return row;
  }

  seatByParticipant(participantId: string): SeatRow | null {
    return this.seats().find((s) => s.participant_id === participantId) ?? null;
  }

  updateSeat(seat: number, fields: SeatChange): void {
    const doc = this.#require();
    doc.seats = doc.seats.map((s) => (s.seat === seat ? { ...s, ...fields } : s));
    this.#docDirty = true;
  }

  /** The seat's message-rate window (§5.10). */
  rateState(seat: number): RateState {
    const row = this.seat(seat);
    return {
      times: this.#rateTimes.get(seat) ?? [],
      violations: row.rate_violations,
      lastViolationAt: row.last_violation_at,
    };
  }

  /** The receive times stay in memory; the violations counted from them are stored. */
  saveRateState(seat: number, state: RateState): void {
    this.#rateTimes.set(seat, state.times);
    const row = this.seat(seat);
    if (
      row.rate_violations !== state.violations ||
      row.last_violation_at !== state.lastViolationAt
    ) {
      this.updateSeat(seat, {
        rate_violations: state.violations,
        last_violation_at: state.lastViolationAt,
      });
    }
  }

  /** Advances and returns the seat's game-frame counter (§5.3). */
  nextSeq(seat: number): number {
    const seq = this.seat(seat).seq + 1;
    this.updateSeat(seat, { seq });
    return seq;
  }

  // ---- turns ----

  turn(seat: number): TurnRow | null {
    return this.#state()?.turns.find((t) => t.seat === seat) ?? null;
  }

  insertTurn(turn: TurnRow): void {
    const doc = this.#require();
    doc.turns = [...doc.turns.filter((t) => t.seat !== turn.seat), turn];
    this.#docDirty = true;
  }

  updateTurn(seat: number, fields: TurnChange): void {
    const doc = this.#require();
    doc.turns = doc.turns.map((t) => (t.seat === seat ? { ...t, ...fields } : t));
    this.#docDirty = true;
  }

  /** Closes a turn and records its answer in the document, so a late duplicate is dropped. */
  resolveTurn(turn: TurnRow, at: number, answer: Answer): void {
    const doc = this.#require();
    doc.turns = doc.turns.filter((t) => t.seat !== turn.seat);
    doc.answered = [
      ...(doc.answered ?? []),
      this.log.answer(turn.seat, turn.request_id, at, answer),
    ];
    this.#docDirty = true;
  }

  /** Finishes the hand's history row, moving the hand's answers out of the document into it. */
  finishHand(handNumber: number, endedAt: string, board: string[], result: unknown): void {
    const doc = this.#require();
    this.history.finish(handNumber, endedAt, board, result, doc.answered ?? []);
    doc.answered = [];
    this.#docDirty = true;
  }

  clearTurns(): void {
    this.#require().turns = [];
    this.#docDirty = true;
  }

  // ---- outbox ----

  /**
   * Queues a frame for a seat. Its due time is never earlier than the seat's last queued
   * frame, so a seat's frames leave in order even when one of them is delayed (§5.4.4).
   */
  enqueue(seat: number, dueAt: number, kind: OutboxKind, body: unknown): void {
    const doc = this.#require();
    let due = dueAt;
    for (const row of doc.outbox) if (row.seat === seat) due = Math.max(due, row.due_at);
    doc.outbox_id += 1;
    doc.outbox = [...doc.outbox, { id: doc.outbox_id, seat, due_at: due, kind, body }];
    this.#docDirty = true;
  }

  /** Removes and returns the frames due by `horizon`, in queue order. */
  takeDue(horizon: number): OutboxRow[] {
    const doc = this.#state();
    if (!doc?.outbox.some((row) => row.due_at <= horizon)) return [];
    const due = doc.outbox.filter((row) => row.due_at <= horizon);
    doc.outbox = doc.outbox.filter((row) => row.due_at > horizon);
    this.#docDirty = true;
    return due;
  }

  /** Whether any frame is queued for the seat. */
  hasQueued(seat: number): boolean {
    return this.#state()?.outbox.some((row) => row.seat === seat) ?? false;
  }

  // ---- schedule ----

  schedule(key: string, dueAt: number): void {
    const doc = this.#require();
    if (doc.schedule[key] === dueAt) return;
    doc.schedule = { ...doc.schedule, [key]: dueAt };
    this.#docDirty = true;
  }

  unschedule(key: string): void {
    const doc = this.#state();
    if (!doc || !(key in doc.schedule)) return;
    const { [key]: _gone, ...rest } = doc.schedule;
    doc.schedule = rest;
    this.#docDirty = true;
  }

  /** Schedule keys due by `horizon`, earliest first. */
  dueKeys(horizon: number): string[] {
    return Object.entries(this.#state()?.schedule ?? {})
      .filter(([, due]) => due <= horizon)
      .sort(([ka, a], [kb, b]) => a - b || (ka < kb ? -1 : ka > kb ? 1 : 0))
      .map(([key]) => key);
  }

  /**
   * At the end of a match: drops every game deadline, keeping the handshake deadlines of
   * sockets still connecting and the registry write.
   */
  clearGameSchedule(): void {
    const doc = this.#require();
    doc.schedule = Object.fromEntries(
      Object.entries(doc.schedule).filter(
        ([key]) => key.startsWith("auth:") || key.startsWith("hello:") || key === "record",
      ),
    );
    this.#docDirty = true;
  }

  /** The earliest moment anything is due: a schedule row or a queued frame. */
  earliestDue(): number | null {
    const doc = this.#state();
    if (!doc) return null;
    let earliest: number | null = null;
    for (const due of Object.values(doc.schedule))
      if (earliest === null || due < earliest) earliest = due;
    for (const row of doc.outbox)
      if (earliest === null || row.due_at < earliest) earliest = row.due_at;
    return earliest;
  }
}
