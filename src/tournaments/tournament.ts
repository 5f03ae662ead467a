/**
 * One tournament as a plain state machine over its object's SQLite: entries, seeding, the
 * check-in of every round by lobby presence, pairing, dispatch, scoring and the next round,
 * to the final standings. The outside world (lobbies, dispatch, D1) is injected, so the
 * object is only a shell; every step re-reads storage, so it is correct after an eviction
 * or a restart at any point (docs/tournaments.md "Surviving restarts").
 */
import { log } from "../lib/log.ts";
import type { TournamentSpec } from "./config.ts";
import type { TournamentDeps, TournamentEvent } from "./deps.ts";
import {
  fixedTables,
  knockoutSurvivors,
  type PairedTable,
  settleAtCheckIn,
  swissTables,
} from "./pairing.ts";
import { DISPATCH_RETRY_MS, dispatchTables } from "./round-dispatch.ts";
import { type MatchReport, scoreReport } from "./scoring.ts";
import { plannedRounds, seedMap, seedOrder } from "./seeding.ts";
import { computeStandings, type Entrant, type Standing } from "./standings.ts";
import { openTournamentStore, type TournamentStore } from "./store.ts";
import { tournamentView } from "./tournament-view.ts";
import type { TournamentView } from "./view.ts";

export type { TournamentStatus, TournamentView } from "./view.ts";

/** Answer of an entry attempt. */
export type EntryAnswer =
  | { ok: true; entrants: number }
  | { ok: false; code: "TOURNAMENT_ALREADY_ENTERED" | "TOURNAMENT_STARTED" | "TOURNAMENT_FULL" };

/** How often a round re-checks absent lobbies during its check-in window. */
export const CHECK_IN_POLL_MS = 500;
/** How often a round in play asks D1 for ended matches it was not told about. */
export const SAFETY_POLL_MS = 5000;

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
    const order = seedOrder(entries, ratings);
    const planned = plannedRounds(spec.format, order.length, spec.swiss_rounds);
    this.#store.start(
      order.map((e) => e.bot_id),
      planned,
      now + spec.check_in_ms,
    );
    log("info", "tournament_started", {
      tournament_id: spec.id,
      entrants: order.length,
      rounds: planned,
    });
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
      progressed = await dispatchTables(this.#store, this.#deps, spec, toDispatch);
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
    if (spec.format !== "knockout" || round === 1) return [...this.#seeds().keys()];
    return knockoutSurvivors(this.#store.tables(round - 1));
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
  ): PairedTable[] {
    const seeds = this.#seeds();
    const tables =
      spec.format === "swiss"
        ? swissTables(this.standings(), this.#store.scoredTables(), present)
        : fixedTables(spec.format, round, [...seeds.keys()], active);
    return settleAtCheckIn(spec.format, tables, present, seeds);
  }

  /** Bot id → seed (1 = best), in seed order. */
  #seeds(): Map<string, number> {
    return seedMap(this.#store.entries());
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
