/**
 * The outbound side of the room: the per-seat queue (frames leave in order once due, the
 * jittered `turn_result` copies behind the actor's own, §5.4.4), `seq` stamping, the
 * `turn_request` clock, the spectator stream (with `spectator_turn` as a clock starts), error
 * frames and closes.
 */
import {
  CloseCode,
  CloseReason,
  type ErrorFrame,
  type GameFrame,
  type MatchErrorCode,
  type SpectatorFrame,
  type Unstamped,
} from "../../protocol/bot-frames.ts";
import { closingError, stamp, turnRequest } from "../frames.ts";
import type { ForfeitReason } from "../results.ts";
import type { OutboxKind, OutboxRow, SeatRow, TurnRow } from "../state.ts";
import { RoomCore } from "./core.ts";
import type { Conn } from "./types.ts";

/** How late the armed alarm may be before a step arms it again (see `arm`). */
export const ALARM_OVERDUE_MS = 10_000;

export abstract class RoomOutbound extends RoomCore {
  /** The seat's live socket is gone (connections.ts). */
  protected abstract drop(seat: SeatRow, now: number): void;

  /**
   * Keeps the one alarm at or before the earliest deadline or queued frame. An alarm armed
   * earlier than needed is left alone: it finds nothing due, and arms the next one (room.ts).
   * Each turn moves the turn deadline later, so moving the alarm with it cost a storage write
   * a turn (docs/match.md). An alarm overdue by `ALARM_OVERDUE_MS` is armed again, in case
   * the runtime gave up on it.
   */
  protected arm(): void {
    const meta = this.store.meta();
    if (!meta) return;
    const earliest = this.store.earliestDue();
    const armed = meta.armed_at;
    if (earliest === armed) return;
    if (
      earliest !== null &&
      armed !== null &&
      armed <= earliest &&
      armed > this.host.now() - ALARM_OVERDUE_MS
    ) {
      return;
    }
    this.store.updateMeta({ armed_at: earliest });
    this.host.setAlarm(earliest);
  }

  /** Sends every queued frame due by `horizon`, in per-seat order (§5.4.4). */
  protected flush(horizon: number): void {
    const rows = this.store.takeDue(horizon);
    if (rows.length === 0) return;
    const now = this.host.now();
    for (const row of rows) this.deliver(row, now);
  }

  protected deliver(row: OutboxRow, now: number): void {
    const seat = this.store.seat(row.seat);
    const conn = this.liveConn(seat);
    if (row.kind === "turn_request") {
      this.deliverTurn(seat, conn, (row.body as { request_id: string }).request_id, now);
      return;
    }
    // A seat that is away misses the frame: there is no replay on reconnect (§5.9).
    if (!conn) return;
    this.sendGame(conn, seat.seat, row.body as Unstamped<GameFrame>, now);
    if (row.kind === "match_end") this.closeConn(conn, CloseCode.normal, now);
  }

  /**
   * A `turn_request` leaves the server: its clock starts now (§5.4.4), unless the seat's
   * first disconnection paused it. A later delivery (a reconnect) re-sends the same request
   * with the time that is left (§5.9).
   */
  protected deliverTurn(seat: SeatRow, conn: Conn | null, requestId: string, now: number): void {
    let turn = this.store.turn(seat.seat);
    if (!turn || turn.request_id !== requestId) return;
    if (turn.sent_at === null) {
      const deadline = turn.paused_remaining === null ? now + turn.timeout_ms : null;
      this.store.updateTurn(seat.seat, { sent_at: now, deadline });
      if (deadline !== null) {
        this.store.schedule(`turn:${seat.seat}`, deadline);
        this.announceTurn(turn, deadline, now);
      }
      turn = { ...turn, sent_at: now, deadline };
    }
    if (!conn || turn.deadline === null) return;
    if (turn.first_sent_at === null) this.store.updateTurn(seat.seat, { first_sent_at: now });
    const frame = turnRequest(this.metaRow().match_id, { ...turn, deadline: turn.deadline }, now);
    this.sendGame(conn, seat.seat, frame, now);
  }

  /** Tells the spectators whose clock is running (`spectator_turn`). */
  protected announceTurn(turn: TurnRow, deadline: number, now: number): void {
    this.broadcastSpectators(
      {
        type: "spectator_turn",
        match_id: this.metaRow().match_id,
        seat: turn.seat,
        hand_number: turn.hand_number,
        timeout_ms: turn.timeout_ms,
        deadline_ts: deadline,
      },
      now,
    );
  }

  /** Stamps a game frame with the seat's next `seq` and queues the write. */
  protected sendGame(conn: Conn, seat: number, frame: Unstamped<GameFrame>, now: number): void {
    const text = JSON.stringify(stamp(frame, this.store.nextSeq(seat), now));
    this.effects.push(() => conn.send(text));
  }

  /** Queues a game frame for a remote seat, behind anything already queued for it. */
  protected enqueue(
    seat: number,
    dueAt: number,
    frame: Unstamped<GameFrame>,
    kind: "frame" | "match_end" = "frame",
  ): void {
    this.queue(seat, dueAt, kind, frame);
  }

  /**
   * A frame for a remote seat: sent in this step when it is due and nothing is queued ahead
   * of it for that seat, else queued behind the seat's frames (§5.4.4).
   */
  protected queue(seat: number, dueAt: number, kind: OutboxKind, body: unknown): void {
    const now = this.host.now();
    if (dueAt <= now && !this.store.hasQueued(seat)) {
      this.deliver({ id: 0, seat, due_at: dueAt, kind, body }, now);
      return;
    }
    this.store.enqueue(seat, dueAt, kind, body);
  }

  /** The public stream: sent at once to every spectator, on the match's spectator counter. */
  protected broadcastSpectators(
    frame: Unstamped<SpectatorFrame>,
    now: number,
    close = false,
  ): void {
    const spectators = this.host.spectators();
    if (spectators.length === 0) return;
    const text = JSON.stringify(stamp(frame, this.store.nextSpectatorSeq(), now));
    for (const conn of spectators) {
      this.effects.push(() => {
        conn.send(text);
        if (close) conn.close(CloseCode.normal, CloseReason[CloseCode.normal] ?? "");
      });
    }
  }

  /**
   * An in-play `error` frame on the seat's counter (§5.4.8), queued behind the seat's
   * frames; `immediate` sends it now, ahead of a close.
   */
  protected sendError(
    conn: Conn,
    seat: number,
    code: MatchErrorCode,
    message: string,
    immediate = false,
  ): void {
    const now = this.host.now();
    const frame = {
      type: "error",
      match_id: this.metaRow().match_id,
      code,
      message,
    } satisfies Unstamped<ErrorFrame>;
    this.recordBotError(seat, code, message);
    if (immediate) this.sendGame(conn, seat, frame, now);
    else this.enqueue(seat, now, frame);
  }

  /** Refuses a connection: `error` with `seq: 1`, then close 4011 (§5.9, §9 item 12). */
  protected refuse(conn: Conn, code: "duplicate_participant" | ForfeitReason, now: number): void {
    const messages = {
      duplicate_participant: "This seat already has a live connection",
      grace_expired: "The reconnect grace period has expired",
      budget_exhausted: "The reconnect budget is exhausted",
    } as const;
    this.closeWithError(conn, code, messages[code], CloseCode.serverError, now);
  }

  /** An `error` with `seq: 1` (a fresh counter: a close follows, §5.3), then the close. */
  protected closeWithError(
    conn: Conn,
    code: MatchErrorCode,
    message: string,
    closeCode: number,
    now: number,
  ): void {
    const text = JSON.stringify(closingError(this.metaRow().match_id, code, message, now));
    this.effects.push(() => conn.send(text));
    this.closeConn(conn, closeCode, now);
  }

  /**
   * Closes a socket from our side. A seat's live socket counts as dropped right away, so
   * the bookkeeping never waits for the peer's close handshake.
   */
  protected closeConn(conn: Conn, code: number, now: number): void {
    const info = conn.info;
    if (info.phase === "closed") return;
    conn.update({ ...info, phase: "closed" });
    this.store.unschedule(`auth:${info.conn}`);
    this.store.unschedule(`hello:${info.conn}`);
    if (info.role === "seat") {
      const seat = this.store.seat(info.seat);
      if (seat.conn === info.conn) this.drop(seat, now);
    }
    this.effects.push(() => conn.close(code, CloseReason[code] ?? ""));
  }
}
