/**
 * Connections: the handshake after the socket is accepted (§5.1), the refusals (§5.9), the
 * seat's binding to its live socket, drops, the reconnect grace and budget, and forfeits.
 */
import { CloseCode } from "../../protocol/bot-frames.ts";
import { serverHello } from "../frames.ts";
import { type Ending, type ForfeitReason, SIMULTANEOUS_DISCONNECT_MS } from "../results.ts";
import type { MetaRow, SeatRow } from "../state.ts";
import { RoomRecords } from "./records.ts";
import type { Conn } from "./types.ts";

/** Handshake deadlines (§5.1): `authenticate` after open, client `hello` after server hello. */
export const HANDSHAKE_TIMEOUT_MS = 5000;

export abstract class RoomConnections extends RoomRecords {
  /** The `/ws/match` path: the credential arrives in `authenticate` and is checked here. */
  protected async verifyCredential(conn: Conn, token: string): Promise<void> {
    // A registry read: the input gate opens while it runs, so state is re-read afterwards.
    const botId = await this.host.verifyToken(token, this.store.seat(conn.info.seat).bot_id);
    const now = this.host.now();
    this.step(now, () => {
      if (conn.info.phase !== "auth") return;
      const seat = this.store.seat(conn.info.seat);
      if (botId === null || botId !== seat.bot_id) {
        this.closeConn(conn, CloseCode.authFailed, now);
        return;
      }
      conn.update({ ...conn.info, verifiedBotId: botId });
    });
  }

  /** `authenticate` arrived: refuse the seat (§5.9) or answer with the server hello (§5.1). */
  protected onAuthenticate(conn: Conn, now: number): void {
    const meta = this.metaRow();
    const seat = this.store.seat(conn.info.seat);
    if (!this.mayBind(conn, seat, meta, now)) return;
    const text = JSON.stringify(serverHello(meta.match_id, meta.config.reconnect_budget > 0, now));
    this.effects.push(() => conn.send(text));
    conn.update({ ...conn.info, phase: "hello" });
    this.store.unschedule(`auth:${conn.info.conn}`);
    this.store.schedule(`hello:${conn.info.conn}`, now + HANDSHAKE_TIMEOUT_MS);
  }

  /** The refusals of §5.9, checked at `authenticate` and again at the client `hello`. */
  protected mayBind(conn: Conn, seat: SeatRow, meta: MetaRow, now: number): boolean {
    if (seat.forfeit !== null) {
      this.refuse(conn, seat.forfeit, now);
      return false;
    }
    if (meta.status === "ended") {
      this.closeConn(conn, CloseCode.matchNotFound, now);
      return false;
    }
    if (seat.conn !== null && seat.conn !== conn.info.conn && this.host.conn(seat.conn)) {
      // A second dial for a live seat: refused without charging the budget (§9 item 12).
      this.refuse(conn, "duplicate_participant", now);
      return false;
    }
    if (meta.status === "playing" && seat.conn === null && seat.disconnected_at !== null) {
      if (seat.disconnected_at + meta.config.reconnect_grace_ms <= now) {
        this.forfeit(seat, "grace_expired", now);
        this.refuse(conn, "grace_expired", now);
        return false;
      }
    }
    return true;
  }

  /** A usable client `hello`: the socket becomes the seat's live connection. */
  protected onHello(conn: Conn, now: number): void {
    const meta = this.metaRow();
    const seat = this.store.seat(conn.info.seat);
    if (!this.mayBind(conn, seat, meta, now)) return;
    this.store.unschedule(`hello:${conn.info.conn}`);
    conn.update({ ...conn.info, phase: "live" });
    this.store.updateSeat(seat.seat, { conn: conn.info.conn });
    if (meta.status === "waiting") {
      const everyone = this.store
        .seats()
        .every((s) => s.house_strategy !== null || s.conn !== null);
      if (everyone) this.store.schedule("start", now);
    } else if (meta.status === "playing" && seat.disconnected_at !== null) {
      this.reconnected(seat, now);
    }
  }

  /**
   * A dropped seat is back (§5.9): `seq` carries on, the paused clock restarts with the
   * time that was left, and a pending `turn_request` is re-sent with the same `request_id`.
   */
  protected reconnected(seat: SeatRow, now: number): void {
    this.store.updateSeat(seat.seat, { reconnects: seat.reconnects + 1, disconnected_at: null });
    this.store.unschedule(`grace:${seat.seat}`);
    const turn = this.store.turn(seat.seat);
    if (!turn) return;
    if (turn.paused_remaining !== null) {
      if (turn.sent_at === null) {
        this.store.updateTurn(seat.seat, { paused_remaining: null });
      } else {
        const deadline = now + turn.paused_remaining;
        this.store.updateTurn(seat.seat, { paused_remaining: null, deadline });
        this.store.schedule(`turn:${seat.seat}`, deadline);
      }
    }
    if (turn.sent_at !== null) {
      this.queue(seat.seat, now, "turn_request", { request_id: turn.request_id });
    }
  }

  protected handshakeDeadline(connId: string, now: number): void {
    const conn = this.host.conn(connId);
    if (!conn) return;
    const phase = conn.info.phase;
    if (phase === "auth" || phase === "hello")
      this.closeConn(conn, CloseCode.handshakeTimeout, now);
  }

  /**
   * Sockets the object lost without a close event (an object restart closes them): the
   * seat counts as dropped from the moment that is noticed.
   */
  protected reconcile(now: number): void {
    for (const seat of this.store.seats()) {
      if (seat.conn !== null && !this.host.conn(seat.conn)) this.drop(seat, now);
    }
  }

  /**
   * The seat's live socket is gone. Before the start it is simply unbound; in play the grace
   * period starts (§5.9), the turn clock pauses on the first drop only, and a drop past the
   * budget (or with reconnection off) forfeits at once.
   */
  protected drop(seat: SeatRow, now: number): void {
    this.store.updateSeat(seat.seat, { conn: null });
    const meta = this.metaRow();
    if (meta.status !== "playing") return;
    const drops = seat.drops + 1;
    this.store.updateSeat(seat.seat, { drops, disconnected_at: now });
    if (seat.reconnects >= meta.config.reconnect_budget) {
      this.forfeit({ ...seat, conn: null, disconnected_at: now }, "budget_exhausted", now);
      return;
    }
    this.store.schedule(`grace:${seat.seat}`, now + meta.config.reconnect_grace_ms);
    const turn = this.store.turn(seat.seat);
    if (drops !== 1 || !turn || turn.paused_remaining !== null) return;
    if (turn.sent_at === null) {
      this.store.updateTurn(seat.seat, { paused_remaining: turn.timeout_ms });
    } else if (turn.deadline !== null) {
      this.store.updateTurn(seat.seat, {
        paused_remaining: Math.max(0, turn.deadline - now),
        deadline: null,
      });
      this.store.unschedule(`turn:${seat.seat}`);
    }
  }

  protected graceExpired(seatNo: number, horizon: number, now: number): void {
    const meta = this.metaRow();
    const seat = this.store.seat(seatNo);
    if (meta.status !== "playing" || seat.conn !== null || seat.disconnected_at === null) return;
    const expiry = seat.disconnected_at + meta.config.reconnect_grace_ms;
    if (expiry > horizon) {
      this.store.schedule(`grace:${seatNo}`, expiry);
      return;
    }
    this.forfeit(seat, "grace_expired", now);
  }

  /**
   * A seat forfeits: the first responsive opponent (connected, or a house bot) is awarded
   * the match; with nobody responsive the match ends as all-disconnected.
   */
  protected forfeit(seat: SeatRow, reason: ForfeitReason, now: number): void {
    this.store.updateSeat(seat.seat, { forfeit: reason });
    this.store.unschedule(`grace:${seat.seat}`);
    if (this.metaRow().status !== "playing") return;
    const others = this.store.seats().filter((s) => s.seat !== seat.seat && s.forfeit === null);
    const winner = others.find((s) => s.house_strategy !== null || this.liveConn(s) !== null);
    let ending: Ending;
    if (winner) {
      ending = { kind: "forfeit", seat: seat.seat, winner: winner.seat, reason };
    } else {
      const drops = this.store
        .seats()
        .map((s) => s.disconnected_at ?? now)
        .sort((a, b) => a - b);
      const spread = (drops[drops.length - 1] ?? now) - (drops[0] ?? now);
      ending = { kind: "all_disconnected", simultaneous: spread < SIMULTANEOUS_DISCONNECT_MS };
    }
    this.finishPlayed(ending, now);
  }
}
