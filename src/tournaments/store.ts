/**
 * The tournament object's SQLite: one state row (spec, status, round, phase, clock), the
 * entries, one row per table of every round, and the match reports received. Typed
 * accessors only; the rules are in tournament.ts.
 */
import type { TournamentSpec } from "./config.ts";
import type { Table } from "./formats.ts";
import type { MatchReport, TableScore } from "./scoring.ts";
import type { ScoredTable } from "./standings.ts";
import type { TournamentStatus } from "./view.ts";

export interface EntryRow {
  bot_id: string;
  token_id: string;
  name: string;
  seed: number | null;
  entered_at: number;
  [key: string]: SqlStorageValue;
}

export interface TableRow {
  round: number;
  table_no: number;
  a: string;
  b: string | null;
  /** pending → dispatching → playing → done (byes and forfeits are done at once) */
  status: "pending" | "dispatching" | "playing" | "done";
  match_id: string | null;
  kind: ScoredTable["kind"] | null;
  winner: string | null;
  points_a: number | null;
  points_b: number | null;
  net_a: number | null;
  net_b: number | null;
  attempts: number;
  [key: string]: SqlStorageValue;
}

interface StateRow {
  spec: string;
  status: TournamentStatus;
  mirrored: string | null;
  round: number;
  phase: "check_in" | "play";
  check_in_deadline: number;
  rounds_planned: number;
  ended_at: number | null;
  cancel_reason: string | null;
  last_poll_at: number;
  [key: string]: SqlStorageValue;
}

export type TournamentStore = ReturnType<typeof openTournamentStore>;

/** Opens (and creates if needed) the schema; every write is one statement or one transaction. */
export function openTournamentStore(storage: DurableObjectStorage) {
  const sql = storage.sql;
  sql.exec(`CREATE TABLE IF NOT EXISTS state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    spec TEXT NOT NULL,
    status TEXT NOT NULL,
    mirrored TEXT,
    round INTEGER NOT NULL DEFAULT 0,
    phase TEXT NOT NULL DEFAULT 'check_in',
    check_in_deadline INTEGER NOT NULL DEFAULT 0,
    rounds_planned INTEGER NOT NULL DEFAULT 0,
    ended_at INTEGER,
    cancel_reason TEXT,
    last_poll_at INTEGER NOT NULL DEFAULT 0
  )`);
  sql.exec(`CREATE TABLE IF NOT EXISTS entries (
    bot_id TEXT PRIMARY KEY,
    token_id TEXT NOT NULL,
    name TEXT NOT NULL,
    seed INTEGER,
    entered_at INTEGER NOT NULL
  )`);
  sql.exec(`CREATE TABLE IF NOT EXISTS tables (
    round INTEGER NOT NULL,
    table_no INTEGER NOT NULL,
    a TEXT NOT NULL,
    b TEXT,
    status TEXT NOT NULL,
    match_id TEXT,
    kind TEXT,
    winner TEXT,
    points_a REAL,
    points_b REAL,
    net_a INTEGER,
    net_b INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (round, table_no)
  )`);
  sql.exec("CREATE TABLE IF NOT EXISTS reports (match_id TEXT PRIMARY KEY, report TEXT NOT NULL)");
  const state = (): StateRow | null =>
    sql.exec<StateRow>("SELECT * FROM state").toArray()[0] ?? null;
  const required = (): StateRow => {
    const row = state();
    if (!row) throw new Error("tournament not created");
    return row;
  };
  const update = (assignments: string, ...values: SqlStorageValue[]) =>
    sql.exec(`UPDATE state SET ${assignments} WHERE id = 1`, ...values);
  const writeScore = (table: Pick<TableRow, "round" | "table_no">, score: TableScore) =>
    sql.exec(
      `UPDATE tables SET status = 'done', kind = ?, winner = ?, points_a = ?, points_b = ?,
         net_a = ?, net_b = ? WHERE round = ? AND table_no = ?`,
      score.kind,
      score.winner,
      score.points[0],
      score.points[1],
      score.net_chips[0],
      score.net_chips[1],
      table.round,
      table.table_no,
    );

  return {
    init(value: TournamentSpec): void {
      sql.exec(
        "INSERT INTO state (id, spec, status) VALUES (1, ?, 'scheduled') ON CONFLICT (id) DO NOTHING",
        JSON.stringify(value),
      );
    },
    spec(): TournamentSpec | null {
      const row = state();
      return row ? (JSON.parse(row.spec) as TournamentSpec) : null;
    },
    status: (): TournamentStatus => required().status,
    setStartsAt: (at: number) => update("spec = json_set(spec, '$.starts_at', ?)", at),
    mirrored: (): string | null => required().mirrored,
    setMirrored: (status: TournamentStatus) => update("mirrored = ?", status),
    round: (): number => required().round,
    phase: (): StateRow["phase"] => required().phase,
    checkInDeadline: (): number => required().check_in_deadline,
    roundsPlanned: (): number => required().rounds_planned,
    endedAt: (): number | null => required().ended_at,
    cancelReason: (): string | null => required().cancel_reason,
    lastPollAt: (): number => required().last_poll_at,
    setLastPollAt: (at: number) => update("last_poll_at = ?", at),

    entries: (): EntryRow[] =>
      sql.exec<EntryRow>("SELECT * FROM entries ORDER BY entered_at, bot_id").toArray(),
    entry: (botId: string): EntryRow | null =>
      sql.exec<EntryRow>("SELECT * FROM entries WHERE bot_id = ?", botId).toArray()[0] ?? null,
    entryCount: (): number => sql.exec<{ n: number }>("SELECT count(*) AS n FROM entries").one().n,
    addEntry(entry: { bot_id: string; token_id: string; name: string }, now: number): void {
      sql.exec(
        "INSERT INTO entries (bot_id, token_id, name, entered_at) VALUES (?, ?, ?, ?)",
        entry.bot_id,
        entry.token_id,
        entry.name,
        now,
      );
    },

    /** Seeds the entrants (in order) and opens round 1's check-in, in one transaction. */
    start(order: readonly string[], planned: number, checkInDeadline: number): void {
      storage.transactionSync(() => {
        order.forEach((botId, i) => {
          sql.exec("UPDATE entries SET seed = ? WHERE bot_id = ?", i + 1, botId);
        });
        update(
          "status = 'running', round = 1, phase = 'check_in', check_in_deadline = ?, rounds_planned = ?",
          checkInDeadline,
          planned,
        );
      });
    },

    /** Writes a round's tables (settled ones already scored) and moves to play, atomically. */
    openRound(round: number, rows: readonly { table: Table; score: TableScore | null }[]): void {
      storage.transactionSync(() => {
        rows.forEach(({ table, score }, i) => {
          sql.exec(
            "INSERT INTO tables (round, table_no, a, b, status) VALUES (?, ?, ?, ?, 'pending') ON CONFLICT DO NOTHING",
            round,
            i + 1,
            table[0],
            table[1],
          );
          if (score) writeScore({ round, table_no: i + 1 }, score);
        });
        update("phase = 'play'");
      });
    },
    tables: (round: number): TableRow[] =>
      sql.exec<TableRow>("SELECT * FROM tables WHERE round = ? ORDER BY table_no", round).toArray(),
    scoredTables: (): ScoredTable[] =>
      sql
        .exec<TableRow>("SELECT * FROM tables WHERE status = 'done' ORDER BY round, table_no")
        .toArray()
        .map((t) => ({
          round: t.round,
          a: t.a,
          b: t.b,
          kind: t.kind ?? "void",
          winner: t.winner,
          points: [t.points_a ?? 0, t.points_b ?? 0],
          net_chips: [t.net_a ?? 0, t.net_b ?? 0],
        })),
    setDispatching: (t: TableRow) =>
      sql.exec(
        "UPDATE tables SET status = 'dispatching' WHERE round = ? AND table_no = ? AND status IN ('pending', 'dispatching')",
        t.round,
        t.table_no,
      ),
    setPlaying: (t: TableRow, matchId: string) =>
      sql.exec(
        "UPDATE tables SET status = 'playing', match_id = ? WHERE round = ? AND table_no = ? AND status IN ('pending', 'dispatching')",
        matchId,
        t.round,
        t.table_no,
      ),
    setPending: (t: TableRow, attempts: number) =>
      sql.exec(
        "UPDATE tables SET status = 'pending', attempts = ? WHERE round = ? AND table_no = ? AND status IN ('pending', 'dispatching')",
        attempts,
        t.round,
        t.table_no,
      ),
    scoreTable: (t: TableRow, score: TableScore) => writeScore(t, score),

    putReport: (report: MatchReport) =>
      sql.exec(
        "INSERT INTO reports (match_id, report) VALUES (?, ?) ON CONFLICT (match_id) DO NOTHING",
        report.match_id,
        JSON.stringify(report),
      ),
    report(matchId: string): MatchReport | null {
      const row = sql
        .exec<{ report: string }>("SELECT report FROM reports WHERE match_id = ?", matchId)
        .toArray()[0];
      return row ? (JSON.parse(row.report) as MatchReport) : null;
    },

    nextRound: (round: number, checkInDeadline: number) =>
      update("round = ?, phase = 'check_in', check_in_deadline = ?", round, checkInDeadline),
    finish: (status: "completed" | "cancelled", reason: string | null, now: number) =>
      update("status = ?, cancel_reason = ?, ended_at = ?", status, reason, now),
  };
}
