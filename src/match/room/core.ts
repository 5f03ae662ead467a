/**
 * The base of the match room: its storage, its host, and the step — one SQLite transaction
 * per event that also queues the socket writes it implies. The writes run after the commit,
 * and the Durable Object output gate holds them until the storage is durable, so no frame
 * ever leaves before the state it depends on.
 *
 * The room is layered by concern, each layer a file that extends the one below and reads
 * alone: `outbound.ts` (the per-seat queue, jitter, frames out, closes), `records.ts` (bot
 * errors, the rate window, the end and the registry write), `connections.ts` (handshake,
 * binding, drops and reconnects), `turns.ts` (turns, deadlines, house bots), `hands.ts`
 * (the hand lifecycle), and `../room.ts` (the entry points and the jobs of the alarm).
 * A call to a layer above goes through an abstract method declared where it is needed.
 */
import type { Sql } from "../../channels/sql.ts";
import { describeError, log } from "../../lib/log.ts";
import type { MatchState } from "../../poker/index.ts";
import type { MetaRow, SeatRow } from "../state.ts";
import { MatchStore } from "../store.ts";
import type { Conn, RoomHost } from "./types.ts";

/** Bound on stored `bot_errors` per seat, so `match_end` stays far below client frame caps. */
const MAX_BOT_ERRORS = 100;

export abstract class RoomCore {
  readonly store: MatchStore;
  protected readonly host: RoomHost;
  /** Socket writes of the current step, run after its transaction commits. */
  protected effects: (() => void)[] = [];

  constructor(sql: Sql, host: RoomHost) {
    this.store = new MatchStore(sql);
    this.host = host;
  }

  /** Sends every queued frame due by `horizon` (outbound.ts). */
  protected abstract flush(horizon: number): void;
  /** Arms the one alarm for the earliest deadline or queued frame (outbound.ts). */
  protected abstract arm(): void;

  /** One atomic state change, then the due frames, then the alarm; then the socket writes. */
  protected step(horizon: number, fn: () => void): void {
    this.effects = [];
    try {
      this.host.transaction(() => {
        fn();
        // Everything due by the horizon or by now, whichever is later.
        this.flush(Math.max(horizon, this.host.now()));
        this.arm();
        // The memory's changes, written in the same transaction as everything else.
        this.store.commit();
      });
    } catch (err) {
      // Rolled back: the memory is read again from what SQLite still holds.
      this.effects = [];
      this.store.reload();
      throw err;
    }
    const effects = this.effects;
    this.effects = [];
    for (const effect of effects) {
      try {
        effect();
      } catch (err) {
        // A socket that closed under us: its close event does the bookkeeping.
        log("warn", "match_socket_write_failed", { error: describeError(err) });
      }
    }
  }

  protected metaRow(): MetaRow {
    const meta = this.store.meta();
    if (!meta) throw new Error("match not created");
    return meta;
  }

  /** The engine state, changed in place by the engine; `store.saveEngine` marks it written. */
  protected engine(): MatchState {
    const engine = this.store.engine();
    if (!engine) throw new Error("match not started");
    return engine;
  }

  protected remoteSeats(): SeatRow[] {
    return this.store.seats().filter((s) => s.house_strategy === null);
  }

  /** The seat's bound socket if it is still open and live. */
  protected liveConn(seat: SeatRow): Conn | null {
    if (seat.conn === null) return null;
    const conn = this.host.conn(seat.conn);
    return conn && conn.info.phase === "live" ? conn : null;
  }

  protected recordBotError(seatNo: number, code: string, message: string): void {
    const handNumber = this.store.engine()?.hand?.hand_number ?? 0;
    this.store.log.addBotError(seatNo, { code, message, hand_number: handNumber }, MAX_BOT_ERRORS);
  }
}
