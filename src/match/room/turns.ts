/**
 * Turns: a seat owes a decision (§5.4.3), its answer is checked and applied, rejected
 * (§5.4.9) or replaced by the auto-action (§5.8, §5.10); the turn deadline; house bots.
 */
import { randomHex } from "../../lib/crypto.ts";
import { log } from "../../lib/log.ts";
import {
  applyAction,
  applyTimeout,
  type EngineEvent,
  type MatchState,
  turnView,
} from "../../poker/index.ts";
import type { ParsedFrame, TurnActionFrame } from "../../protocol/bot-frames.ts";
import { actionRejected } from "../frames.ts";
import { decideHouseAction, isHouseStrategy } from "../house-bots.ts";
import { INVALID_ACTIONS_PER_HAND } from "../limits.ts";
import type { TurnRow } from "../state.ts";
import { RoomConnections } from "./connections.ts";
import type { Conn } from "./types.ts";

export abstract class RoomTurns extends RoomConnections {
  /** Sends the engine's events and moves on (hands.ts). */
  protected abstract afterEngine(engine: MatchState, events: EngineEvent[], now: number): void;

  /** A seat owes a decision: its turn is stored, then its `turn_request` queued (§5.4.3). */
  protected openTurn(engine: MatchState, seatNo: number, now: number): void {
    const meta = this.metaRow();
    const seat = this.store.seat(seatNo);
    const view = turnView(engine, seatNo);
    const turn: TurnRow = {
      seat: seatNo,
      request_id: `req_${randomHex(6)}`,
      hand_number: view.state.hand_number,
      valid_actions: view.valid_actions,
      state: view.state,
      timeout_ms: meta.config.turn_timeout_ms,
      sent_at: null,
      first_sent_at: null,
      deadline: null,
      paused_remaining: null,
    };
    if (seat.house_strategy !== null) {
      // A house bot has no socket: its clock starts now and it acts after its think time.
      const deadline = now + turn.timeout_ms;
      this.store.insertTurn({ ...turn, sent_at: now, first_sent_at: now, deadline });
      this.store.schedule(`turn:${seatNo}`, deadline);
      this.announceTurn(turn, deadline, now);
      this.store.schedule(`house:${seatNo}`, now + meta.config.house_think_ms);
      return;
    }
    this.store.insertTurn(turn);
    this.queue(seatNo, now, "turn_request", { request_id: turn.request_id });
  }

  /** A frame on a live seat socket (§5.11). */
  protected onGameFrame(conn: Conn, parsed: ParsedFrame, overLimit: boolean, now: number): void {
    const seatNo = conn.info.seat;
    const awaiting = this.awaitingTurn(seatNo);
    if (overLimit) {
      // The executor drops an over-limit turn reply and applies the auto-action (§5.10).
      if (
        awaiting &&
        parsed.ok &&
        parsed.frame.type === "turn_action" &&
        parsed.frame.request_id === awaiting.request_id
      ) {
        this.autoAct(awaiting, "rate_limited", "Turn reply over the message rate limit", now);
      }
      return;
    }
    if (!parsed.ok) {
      if (parsed.error === "not_json") {
        if (awaiting) {
          this.autoAct(awaiting, "malformed_message", "Turn reply is not a JSON object", now);
        } else {
          this.sendError(conn, seatNo, "malformed_message", "Message is not a JSON object");
        }
        return;
      }
      this.sendError(conn, seatNo, parsed.error, parsed.message);
      return;
    }
    if (parsed.frame.type === "turn_action") this.onTurnAction(seatNo, parsed.frame, now);
    // authenticate / hello after the handshake and pong: nothing to do (§5.5, §9 item 15).
  }

  /** The seat's turn when it is really awaiting an action (its request has been sent). */
  protected awaitingTurn(seatNo: number): TurnRow | null {
    if (this.metaRow().status !== "playing") return null;
    const turn = this.store.turn(seatNo);
    return turn && turn.sent_at !== null && turn.deadline !== null ? turn : null;
  }

  protected onTurnAction(seatNo: number, frame: TurnActionFrame, now: number): void {
    // Unsolicited, stale or duplicate answers are dropped silently (§5.11).
    if (this.store.log.isResolved(seatNo, frame.request_id)) return;
    const turn = this.awaitingTurn(seatNo);
    if (!turn) return;
    if (frame.request_id !== turn.request_id) {
      this.reject(turn, frame.action, `Unknown request_id '${frame.request_id}'`, now);
      return;
    }
    const engine = this.engine();
    const result = applyAction(engine, seatNo, frame.action, frame.params ?? {}, false);
    if (!result.ok) {
      this.reject(turn, frame.action, result.reason, now);
      return;
    }
    const latency =
      turn.first_sent_at === null ? null : Math.round((now - turn.first_sent_at) * 10) / 10;
    this.resolve(turn, frame.action, false, now, now, latency);
    this.afterEngine(engine, result.events, now);
  }

  /**
   * `action_rejected` with every field (§5.4.9); the turn stays open. The fifth rejection
   * in a hand ends the turn with the auto-action instead (§5.10, our choice).
   */
  protected reject(turn: TurnRow, submitted: string, reason: string, now: number): void {
    const seat = this.store.seat(turn.seat);
    const count = (seat.invalid_hand === turn.hand_number ? seat.invalid_count : 0) + 1;
    this.store.updateSeat(turn.seat, { invalid_hand: turn.hand_number, invalid_count: count });
    if (count >= INVALID_ACTIONS_PER_HAND) {
      this.autoAct(turn, "invalid_action_limit", `${count} invalid actions in one hand`, now);
      return;
    }
    this.recordBotError(turn.seat, "invalid_action", reason);
    this.enqueue(
      turn.seat,
      now,
      actionRejected(this.metaRow().match_id, turn, submitted, reason, now),
    );
  }

  /** The auto-action (§5.8): `check` if legal, else `fold`, with `is_timeout: true`. */
  protected autoAct(turn: TurnRow, code: string, message: string, now: number): void {
    const engine = this.engine();
    const events = applyTimeout(engine, turn.seat);
    if (this.store.seat(turn.seat).house_strategy === null) {
      this.recordBotError(turn.seat, code, message);
    }
    const first = events[0];
    this.resolve(
      turn,
      first?.type === "turn_result" ? first.details.action : "fold",
      true,
      now,
      null,
    );
    this.afterEngine(engine, events, now);
  }

  protected resolve(
    turn: TurnRow,
    action: string,
    isTimeout: boolean,
    now: number,
    receivedAt: number | null,
    latencyMs: number | null = null,
  ): void {
    this.store.resolveTurn(turn, now, { action, isTimeout, receivedAt, latencyMs });
    this.store.unschedule(`turn:${turn.seat}`);
    this.store.unschedule(`house:${turn.seat}`);
  }

  protected turnDeadline(seatNo: number, horizon: number, now: number): void {
    const turn = this.awaitingTurn(seatNo);
    if (!turn || turn.deadline === null) return;
    if (turn.deadline > horizon) {
      this.store.schedule(`turn:${seatNo}`, turn.deadline);
      return;
    }
    this.autoAct(turn, "turn_timeout", "No action before the turn deadline", now);
  }

  /** A house bot's think time is over: it answers through the same path as a remote bot. */
  protected houseActs(seatNo: number, now: number): void {
    const turn = this.awaitingTurn(seatNo);
    const seat = this.store.seat(seatNo);
    if (!turn || !isHouseStrategy(seat.house_strategy)) return;
    const engine = this.engine();
    const decision = decideHouseAction(
      seat.house_strategy,
      turnView(engine, seatNo),
      this.host.random,
    );
    const result = applyAction(engine, seatNo, decision.action, decision.params, false);
    if (!result.ok) {
      log("error", "house_bot_illegal_action", { seat: seatNo, action: decision.action });
      this.autoAct(turn, "invalid_action", result.reason, now);
      return;
    }
    this.resolve(turn, decision.action, false, now, now);
    this.afterEngine(engine, result.events, now);
  }
}
