/**
 * `TournamentObject`: one per tournament id, RPC and alarm only (no sockets). A thin shell
 * over `Tournament` (tournament.ts): RPC calls change stored state synchronously, and the
 * steps that move it on run one pass at a time — at once after a start or a match report
 * (so the next round is dispatched without waiting for a timer), and from the one alarm,
 * armed at whatever the tournament waits for next (the start, a check-in poll, a report to
 * score, the safety poll) and always armed before a pass, so an eviction mid-pass resumes.
 */
import { DurableObject } from "cloudflare:workers";
import { describeError, log } from "../lib/log.ts";
import type { TournamentSpec } from "./config.ts";
import { tournamentDeps } from "./env-deps.ts";
import type { MatchReport } from "./scoring.ts";
import { type EntryAnswer, Tournament, type TournamentView } from "./tournament.ts";

/** After a failed step the alarm waits this long before trying again. */
const RETRY_AFTER_FAILURE_MS = 1000;

export class TournamentObject extends DurableObject<Env> {
  readonly #tournament: Tournament;
  /** The pass under way in this instance, if any; `#again` asks for one more after it. */
  #running: Promise<void> | null = null;
  #again = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#tournament = new Tournament(ctx.storage, tournamentDeps(env, ctx.id.name ?? ""));
  }

  /** Stores the spec (idempotent) and arms the clock for the start. */
  async create(spec: TournamentSpec): Promise<TournamentView | null> {
    this.#tournament.create(spec);
    await this.#arm(false);
    return this.#tournament.view();
  }

  /** Registers an entrant (checks and insert without an await in between). */
  enter(entry: {
    bot_id: string;
    token_id: string;
    name: string;
  }): EntryAnswer | { ok: false; code: "TOURNAMENT_NOT_FOUND" } {
    if (!this.#tournament.exists) return { ok: false, code: "TOURNAMENT_NOT_FOUND" };
    return this.#tournament.enter(entry);
  }

  /** Admin start now; `false` unless still scheduled. */
  async start(): Promise<boolean> {
    if (!this.#tournament.exists) return false;
    const started = this.#tournament.startNow();
    await this.#arm(false);
    if (started) this.#kick();
    return started;
  }

  /** Admin cancel; `false` when already over. */
  async cancel(): Promise<boolean> {
    if (!this.#tournament.exists) return false;
    const cancelled = this.#tournament.cancel("cancelled_by_admin");
    await this.#arm(false);
    return cancelled;
  }

  /**
   * A match of this tournament ended (delivered at least once): kept, then scored at once by
   * a pass started here (not awaited: the match's hook need not wait for the next round).
   * The alarm armed first is the backstop if this instance dies before the pass is done.
   */
  async matchEnded(report: MatchReport): Promise<void> {
    if (!this.#tournament.exists) return;
    this.#tournament.report(report);
    await this.#arm(false);
    this.#kick();
  }

  view(): TournamentView | null {
    return this.#tournament.view();
  }

  /** Alarms are at least once: every step re-reads storage, so a repeat finds nothing to do. */
  override async alarm(): Promise<void> {
    await this.#advance();
    // The safety poll runs beside the passes, not in one: a slow D1 read never holds up the
    // pass a report starts. It only stores reports (by match id), and a pass scores them.
    let found = false;
    try {
      found = await this.#tournament.poll();
    } catch (err) {
      log("error", "tournament_poll_failed", {
        tournament_id: this.ctx.id.name,
        error: describeError(err),
      });
    }
    if (found) await this.#advance();
    else await this.#arm(false);
  }

  /** Starts a pass now without waiting for it (an RPC returns at once). */
  #kick(): void {
    this.ctx.waitUntil(this.#advance());
  }

  /**
   * Runs passes one at a time: a call during a pass joins it and asks for one more after it,
   * so two callers never dispatch the same table at once (a pass awaits D1 and RPCs, and the
   * input gate lets other calls in meanwhile).
   */
  #advance(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    const run = async () => {
      try {
        do {
          this.#again = false;
          await this.#pass();
        } while (this.#again);
      } finally {
        this.#running = null;
      }
    };
    this.#running = run();
    return this.#running;
  }

  async #pass(): Promise<void> {
    let failed = false;
    try {
      await this.#tournament.advance();
    } catch (err) {
      failed = true;
      log("error", "tournament_pass_failed", {
        tournament_id: this.ctx.id.name,
        error: describeError(err),
      });
    }
    await this.#arm(failed);
  }

  async #arm(failed: boolean): Promise<void> {
    const wake = this.#tournament.wakeAt();
    if (wake === null) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    const at = failed ? Math.max(wake, Date.now() + RETRY_AFTER_FAILURE_MS) : wake;
    const current = await this.ctx.storage.getAlarm();
    if (current !== at) await this.ctx.storage.setAlarm(at);
  }
}
