/**
 * One tournament as a plain state machine over its object's SQLite: entries, seeding, the
 * check-in of every round by lobby presence, pairing, dispatch, scoring and the next round,
 * to the final standings. The outside world (lobbies, dispatch, D1) is injected, so the
 * object is only a shell; every step re-reads storage, so it is correct after an eviction
 * or a restart at any point (docs/tournaments.md "Surviving restarts").
 */
import { describeError, log } from "../lib/log.ts";
import type { MatchConfig } from "../match/config.ts";
import type { TournamentSpec } from "./config.ts";
import {
  knockoutFirstRound,
  knockoutNextRound,
  knockoutRoundCount,
  pairKey,
  roundRobinRounds,
  swissRound,
  type Table,
} from "./formats.ts";
import { type MatchReport, scoreCheckIn, scoreReport, type TableScore } from "./scoring.ts";
import { computeStandings, type Entrant, type Standing } from "./standings.ts";
import { openTournamentStore, type TableRow, type TournamentStore } from "./store.ts";
import { tournamentView } from "./tournament-view.ts";
import type { TournamentStatus, TournamentView } from "./view.ts";

export type { TournamentStatus, TournamentView } from "./view.ts";

/** What the tournament needs from the rest of the system. */
export interface TournamentDeps {
  now(): number;
  /** Which of these entrants are checked in: a live lobby and an active token. */
  present(entries: readonly { bot_id: string; token_id: string }[]): Promise<Set<string>>;
  /** Display ratings, for seeding a rated tournament. */
  ratings(botIds: readonly string[]): Promise<Map<string, number>>;
  /**
   * Dispatches tables' matches (seat 0 = `a`), each under its `key`, in one batch; answers
   * each table in order: its match id, or why it failed (that table only).
   */
  dispatch(tables: readonly TableDispatch[]): Promise<DispatchOutcome[]>;
  /** The match a dispatch under `key` created, if one did (a dispatch cut short by a restart). */
  findDispatched(key: string): Promise<string | null>;
  /** Reports of those matches that are over (the safety net behind match-end notifications). */
  finished(matchIds: readonly string[]): Promise<MatchReport[]>;
  /** Mirrors the status into the D1 directory (idempotent). */
  mirror(status: TournamentStatus, endedAt: number | null): Promise<void>;
  /** Tells operators the tournament moved on (fire and forget: a notification, not state). */
  announce(event: TournamentEvent): void;
}

/** A step operators hear of (`botgate.tournament`), with the tournament as it is then. */
export interface TournamentEvent {
  phase: "round_started" | "round_ended" | "finished";
  round: number | null;
  view: TournamentView;
}

/** One table's match as the tournament asks for it. */
export interface TableDispatch {
  key: string;
  seats: readonly [{ bot_id: string; token_id: string }, { bot_id: string; token_id: string }];
  config: MatchConfig;
}

export type DispatchOutcome = { ok: true; match_id: string } | { ok: false; error: unknown };

/** Answer of an entry attempt. */
export type EntryAnswer =
  | { ok: true; entrants: number }
  | { ok: false; code: "TOURNAMENT_ALREADY_ENTERED" | "TOURNAMENT_STARTED" | "TOURNAMENT_FULL" };

/** How often a round re-checks absent lobbies during its check-in window. */
export const CHECK_IN_POLL_MS = 500;
/** How often a round in play asks D1 for ended matches it was not told about. */
export const SAFETY_POLL_MS = 5000;
/** A failed dispatch is retried this often, this many times, before the table is void. */
const DISPATCH_RETRY_MS = 1000;
const MAX_DISPATCH_ATTEMPTS = 5;

export class Tournament {
  readonly #store: TournamentStore;
  readonly #deps: TournamentDeps;

  constructor(storage: DurableObjectStorage, deps: TournamentDeps) {
    this.#store = openTournamentStore(storage);
    this.#deps = deps;
  }

  /** Stores the spec once; a repeated create with the same id changes nothing. */
  create(spec: TournamentSpec): void {
    this.#store.init(spec);
  }

  get exists(): boolean {
    return this.#store.spec() !== null;
  }

  /** Registers an entrant before the start. Atomic: no await between the checks and the insert. */
  enter(entry: { bot_id: string; token_id: string; name: string }): EntryAnswer {
    const spec = this.#requireSpec();
    if (this.#store.status() !== "scheduled" || this.#deps.now() >= spec.starts_at) {
      return { ok: false, code: "TOURNAMENT_STARTED" };
    }
    if (this.#store.entry(entry.bot_id)) return { ok: false, code: "TOURNAMENT_ALREADY_ENTERED" };
    if (this.#store.entryCount() >= spec.max_entrants)
      return { ok: false, code: "TOURNAMENT_FULL" };
    this.#store.addEntry(entry, this.#deps.now());
    return { ok: true, entrants: this.#store.entryCount() };
  }

  /** Admin start: moves the start time to now (entries close); `false` unless still scheduled. */
  startNow(): boolean {
    if (this.#store.status() !== "scheduled") return false;
    this.#store.setStartsAt(this.#deps.now());
    return true;
  }

  /** Admin cancel: `false` when the tournament is already over. Matches in play finish unscored. */
  cancel(reason: string): boolean {
    const status = this.#store.status();
    if (status === "completed" || status === "cancelled") return false;
    this.#finish("cancelled", reason);
    return true;
  }

  /** A match-end notification: kept by match id, so a second delivery counts once. */
  report(report: MatchReport): void {
    this.#store.putReport(report);
  }

  /** When the object's alarm should next run, or null when nothing is left to do. */
  wakeAt(): number | null {
    const spec = this.#store.spec();
    const status = this.#store.status();
    if (!spec) return null;
    if (status !== this.#store.mirrored()) return this.#deps.now();
    if (status === "scheduled") return spec.starts_at;
    if (status !== "running") return null;
    const phase = this.#store.phase();
    if (phase === "check_in") {
      return Math.min(this.#deps.now() + CHECK_IN_POLL_MS, this.#store.checkInDeadline());
    }
    const now = this.#deps.now();
    const tables = this.#store.tables(this.#store.round());
    if (tables.some((t) => t.status === "pending" || t.status === "dispatching")) {
      return now + (tables.some((t) => t.attempts > 0) ? DISPATCH_RETRY_MS : 0);
    }
    const scorable = tables.some(
      (t) => t.status === "playing" && t.match_id !== null && this.#store.report(t.match_id),
    );
    if (scorable || tables.every((t) => t.status === "done")) return now;
    return Math.max(now, this.#store.lastPollAt() + SAFETY_POLL_MS);
  }

  /**
   * Moves the tournament as far as it can go now: runs steps until one makes no progress.
   * Safe to call at any time and repeatedly (alarms are at least once).
   */
  async advance(): Promise<void> {
    for (let guard = 0; guard < 1000; guard++) {
      if (!(await this.#step())) return;
    }
  }

  async #step(): Promise<boolean> {
    const spec = this.#store.spec();
    if (!spec) return false;
    const status = this.#store.status();
    if (status !== this.#store.mirrored()) {
      await this.#deps.mirror(status, this.#store.endedAt());
      this.#store.setMirrored(status);
      return true;
    }
    if (status === "scheduled") return this.#start(spec);
    if (status !== "running") return false;
    return this.#store.phase() === "check_in" ? this.#checkIn(spec) : this.#play(spec);
  }

  /** At the start time: fewer than two entrants cancels; otherwise seed and open round 1. */
  async #start(spec: TournamentSpec): Promise<boolean> {
    const now = this.#deps.now();
    if (now < spec.starts_at) return false;
    const entries = this.#store.entries();
    if (entries.length < 2) {
      this.#finish("cancelled", "not_enough_entrants");
      return true;
    }
    const ratings = spec.rated
      ? await this.#deps.ratings(entries.map((e) => e.bot_id))
      : new Map<string, number>();
    // The input gate opened during the D1 read: a cancel may have come in.
    if (this.#store.status() !== "scheduled") return true;
    const order = [...entries].sort(
      (a, b) =>
        (ratings.get(b.bot_id) ?? 0) - (ratings.get(a.bot_id) ?? 0) ||
        a.entered_at - b.entered_at ||
        a.bot_id.localeCompare(b.bot_id),
    );
    const n = order.length;
    const planned =
      spec.format === "round_robin"
        ? n % 2 === 0
          ? n - 1
          : n
        : spec.format === "knockout"
          ? knockoutRoundCount(n)
          : Math.min(spec.swiss_rounds ?? 1, n - 1);
    this.#store.start(
      order.map((e) => e.bot_id),
      planned,
      now + spec.check_in_ms,
    );
    log("info", "tournament_started", { tournament_id: spec.id, entrants: n, rounds: planned });
    return true;
  }

  /** Waits for every entrant's lobby until the window closes, then pairs the round. */
  async #checkIn(spec: TournamentSpec): Promise<boolean> {
    const entries = this.#store.entries();
    const round = this.#store.round();
    const active = this.#activeEntrants(spec, round);
    const present = await this.#deps.present(entries.filter((e) => active.includes(e.bot_id)));
    // The input gate opened during the presence RPCs: re-check that nothing moved on.
    if (this.#store.status() !== "running" || this.#store.phase() !== "check_in") return true;
    if (this.#store.round() !== round) return true;
    const everyone = active.every((id) => present.has(id));
    if (!everyone && this.#deps.now() < this.#store.checkInDeadline()) return false;
    const tables = this.#pair(spec, round, active, present);
    this.#store.openRound(round, tables);
    log("info", "tournament_round_paired", {
      tournament_id: spec.id,
      round,
      tables: tables.length,
      absent: active.filter((id) => !present.has(id)).length,
    });
    this.#announceStartedIfDispatched(round);
    return true;
  }

  /** Dispatches what is pending, scores what has ended, and closes the round when all is done. */
  async #play(spec: TournamentSpec): Promise<boolean> {
    const round = this.#store.round();
    let progressed = false;
    const toDispatch = this.#store
      .tables(round)
      .filter((t) => t.status === "pending" || t.status === "dispatching");
    if (toDispatch.length > 0) {
      progressed = await this.#dispatch(spec, toDispatch);
      if (this.#store.status() !== "running" || this.#store.round() !== round) return true;
      this.#announceStartedIfDispatched(round);
    }
    for (const table of this.#store.tables(round)) {
      if (table.status !== "playing" || table.match_id === null) continue;
      const report = this.#store.report(table.match_id);
      if (!report) continue;
      this.#store.scoreTable(table, scoreReport(spec.format, table, report, this.#seeds()));
      progressed = true;
    }
    const tables = this.#store.tables(round);
    if (tables.some((t) => t.status !== "done")) return progressed;
    this.#closeRound(spec, round);
    return true;
  }

  /**
   * The round's tables to dispatch, all in one batch, safe against a dispatch that a restart
   * cut short: a table still `dispatching` is first looked up in the registry. True on progress.
   */
  async #dispatch(spec: TournamentSpec, tables: readonly TableRow[]): Promise<boolean> {
    let progressed = false;
    const fresh: { table: TableRow; request: TableDispatch }[] = [];
    for (const table of tables) {
      const key = tableKey(spec.id, table.round, table.table_no);
      if (table.status === "dispatching") {
        // A dispatch was under way when the object was evicted or restarted: adopt its match
        // if it got as far as the registry, else dispatch again (an object created without
        // registry rows was announced to no one and cancels itself at the connection wait).
        const found = await this.#deps.findDispatched(key);
        if (found) {
          this.#store.setPlaying(table, found);
          progressed = true;
          continue;
        }
      }
      const a = this.#store.entry(table.a);
      const b = table.b === null ? null : this.#store.entry(table.b);
      if (!a || !b) continue;
      fresh.push({
        table,
        request: {
          key,
          seats: [
            { bot_id: a.bot_id, token_id: a.token_id },
            { bot_id: b.bot_id, token_id: b.token_id },
          ],
          config: spec.match_config,
        },
      });
    }
    if (fresh.length === 0) return progressed;
    for (const { table } of fresh) this.#store.setDispatching(table);
    let outcomes: DispatchOutcome[];
    try {
      outcomes = await this.#deps.dispatch(fresh.map((f) => f.request));
    } catch (err) {
      outcomes = fresh.map(() => ({ ok: false, error: err }));
    }
    fresh.forEach(({ table, request }, i) => {
      const outcome = outcomes[i] ?? { ok: false, error: new Error("no dispatch answer") };
      if (outcome.ok) {
        this.#store.setPlaying(table, outcome.match_id);
        progressed = true;
        return;
      }
      const attempts = table.attempts + 1;
      log("warn", "tournament_dispatch_failed", {
        tournament_id: spec.id,
        key: request.key,
        attempts,
        error: describeError(outcome.error),
      });
      if (attempts >= MAX_DISPATCH_ATTEMPTS) {
        this.#store.scoreTable(table, scoreReport(spec.format, table, null, this.#seeds()));
        progressed = true;
        return;
      }
      this.#store.setPending(table, attempts);
    });
    return progressed;
  }

  /**
   * The safety net: at most every `SAFETY_POLL_MS`, asks D1 for matches of this round that
   * ended without a notification. True when it found any.
   */
  async poll(): Promise<boolean> {
    if (this.#store.status() !== "running" || this.#store.phase() !== "play") return false;
    const now = this.#deps.now();
    if (now - this.#store.lastPollAt() < SAFETY_POLL_MS) return false;
    this.#store.setLastPollAt(now);
    const waiting = this.#store
      .tables(this.#store.round())
      .filter(
        (t) => t.status === "playing" && t.match_id !== null && !this.#store.report(t.match_id),
      )
      .map((t) => t.match_id as string);
    if (waiting.length === 0) return false;
    const found = await this.#deps.finished(waiting);
    for (const report of found) this.#store.putReport(report);
    return found.length > 0;
  }

  /** `round_started` once no table of the round waits for its dispatch any more. */
  #announceStartedIfDispatched(round: number): void {
    const tables = this.#store.tables(round);
    if (tables.some((t) => t.status === "pending" || t.status === "dispatching")) return;
    this.#announce("round_started", round);
  }

  #announce(phase: TournamentEvent["phase"], round: number | null): void {
    const view = this.view();
    if (view) this.#deps.announce({ phase, round, view });
  }

  #closeRound(spec: TournamentSpec, round: number): void {
    const planned = this.#store.roundsPlanned();
    log("info", "tournament_round_completed", { tournament_id: spec.id, round });
    this.#announce("round_ended", round);
    if (round >= planned) {
      this.#finish("completed", null);
      return;
    }
    this.#store.nextRound(round + 1, this.#deps.now() + spec.check_in_ms);
  }

  #finish(status: "completed" | "cancelled", reason: string | null): void {
    this.#store.finish(status, reason, this.#deps.now());
    const id = this.#store.spec()?.id;
    log("info", "tournament_finished", { tournament_id: id, status, reason });
    this.#announce("finished", null);
  }

  /** Who takes part in `round`: everyone, except knockout entrants already out. */
  #activeEntrants(spec: TournamentSpec, round: number): string[] {
    const seeded = this.#seeds();
    const ids = [...seeded.keys()];
    if (spec.format !== "knockout" || round === 1) return ids;
    return this.#store
      .tables(round - 1)
      .map((t) => t.winner)
      .filter((id): id is string => id !== null);
  }

  /**
   * The round's tables: fixed schedules for round-robin and knockout (an absent side
   * forfeits), Swiss among the present (each absentee gets a forfeit loss). Byes and
   * forfeits come back already scored.
   */
  #pair(
    spec: TournamentSpec,
    round: number,
    active: readonly string[],
    present: ReadonlySet<string>,
  ): { table: Table; score: TableScore | null }[] {
    const seeds = this.#seeds();
    const order = [...seeds.keys()];
    let tables: Table[];
    if (spec.format === "round_robin") {
      tables = roundRobinRounds(order)[round - 1] ?? [];
    } else if (spec.format === "knockout") {
      tables = round === 1 ? knockoutFirstRound(order) : knockoutNextRound(active);
    } else {
      const standings = this.standings();
      const played = this.#store.scoredTables();
      const met = new Set(played.flatMap((t) => (t.b === null ? [] : [pairKey(t.a, t.b)])));
      const byes = new Set(played.filter((t) => t.kind === "bye").map((t) => t.a));
      tables = [
        ...swissRound(
          standings
            .filter((s) => present.has(s.bot_id))
            .map((s) => ({ id: s.bot_id, points: s.points, hadBye: byes.has(s.bot_id) })),
          met,
        ),
        ...standings.filter((s) => !present.has(s.bot_id)).map((s): Table => [s.bot_id, null]),
      ];
    }
    return tables.map((table) => {
      const [a, b] = table;
      const playable = b !== null && present.has(a) && present.has(b);
      return {
        table,
        score: playable ? null : scoreCheckIn(spec.format, { a, b }, present, seeds),
      };
    });
  }

  /** Bot id → seed (1 = best), in seed order. */
  #seeds(): Map<string, number> {
    return new Map(
      this.#store
        .entries()
        .filter((e) => e.seed !== null)
        .sort((a, b) => (a.seed ?? 0) - (b.seed ?? 0))
        .map((e) => [e.bot_id, e.seed ?? 0]),
    );
  }

  /** The standings over every scored table so far. */
  standings(): Standing[] {
    const spec = this.#requireSpec();
    const entrants: Entrant[] = this.#store
      .entries()
      .map((e) => ({ bot_id: e.bot_id, name: e.name, seed: e.seed ?? 0 }));
    return computeStandings(spec.format, entrants, this.#store.scoredTables());
  }

  view(): TournamentView | null {
    return this.#store.spec() ? tournamentView(this.#store, this.standings()) : null;
  }

  #requireSpec(): TournamentSpec {
    const spec = this.#store.spec();
    if (!spec) throw new Error("tournament not created");
    return spec;
  }
}

/** The dispatch key of a table, kept as the match's `source` (docs/tournaments.md). */
export function tableKey(tournamentId: string, round: number, table: number): string {
  return `tournament:${tournamentId}:${round}:${table}`;
}
