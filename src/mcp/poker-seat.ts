/**
 * One match the bridge's poker bot has a seat in (poker-table.ts), as plain state: the
 * narration kept for the agent, the open turn, the answer waiting for the server's word,
 * and how each server frame moves it on.
 */
import { describeMatchFrame } from "../cli/format.ts";
import type { Action, Decision, MatchEnd, ServerFrame, TurnRequest } from "../client/types.ts";

/** Lines of match narration kept per match between two `waitTurn`s. */
export const MAX_EVENTS = 40;

/** One match this bot has a seat in. */
export interface Seat {
  matchId: string;
  opponent: string | null;
  seat: number | null;
  names: Map<number, string>;
  /** Narration since the agent last looked (`describeMatchFrame` lines). */
  events: string[];
  turn: OpenTurn | null;
  /** An answer sent, waiting for the server's `turn_result` or rejection. */
  confirm: { requestId: string; resolve(result: ActResult): void } | null;
  end: MatchEnd | null;
  /** `playMatch` gave up (refused or lost) without a `match_end`. */
  lost: string | null;
  reported: boolean;
  hand: number | null;
  stacks: number[] | null;
}

export interface OpenTurn {
  request: TurnRequest;
  decide(decision: Decision): void;
}

/** The server's answer to an action. */
export type ActResult =
  | { applied: true; action: Action; amount: number; pot: number }
  | { applied: false; reason: string };

/** Turns that are over: request id → how it ended (for a clear answer to a late act). */
export type PastTurns = Map<string, "answered" | "timed out">;

/** A seat just given to the bot, nothing seen yet. */
export function newSeat(matchId: string, opponent: string | null): Seat {
  return {
    matchId,
    opponent,
    seat: null,
    names: new Map(),
    events: [],
    turn: null,
    confirm: null,
    end: null,
    lost: null,
    reported: false,
    hand: null,
    stacks: null,
  };
}

/** Hands the waiting answer its result, if one is waiting. */
export function settleSeat(seat: Seat, result: ActResult): void {
  const confirm = seat.confirm;
  seat.confirm = null;
  confirm?.resolve(result);
}

/** The match ended with a turn open: that turn can no longer be answered. */
export function expireSeat(seat: Seat, past: PastTurns): void {
  if (seat.turn) past.set(seat.turn.request.request_id, "timed out");
  seat.turn = null;
  settleSeat(seat, { applied: false, reason: "the match ended" });
}

/**
 * A frame of the seat's match: narrated (but a `turn_request`), the hand and stacks kept,
 * and the waiting answer settled by this seat's `turn_result` (a timeout closes the open
 * turn) or by the rejection of that answer.
 */
export function seatFrame(seat: Seat, frame: ServerFrame, past: PastTurns): void {
  if (frame.type !== "turn_request") {
    const line = describeMatchFrame(frame, seat.names);
    if (line) {
      seat.events.push(line.trim());
      if (seat.events.length > MAX_EVENTS) seat.events.splice(0, seat.events.length - MAX_EVENTS);
    }
  }
  if (frame.type === "round_start") {
    const state = frame.state as { hand_number: number; stacks: number[] };
    seat.hand = state.hand_number;
    seat.stacks = state.stacks;
  } else if (frame.type === "turn_result") {
    const details = frame.details as {
      action: Action;
      amount: number;
      pot: number;
      stacks: number[];
      is_timeout: boolean;
    };
    seat.stacks = details.stacks;
    if (frame.seat === seat.seat) {
      const open = seat.turn;
      if (open && details.is_timeout) {
        // The clock ran out before the agent answered: the server checked or folded.
        past.set(open.request.request_id, "timed out");
        seat.turn = null;
      }
      const { action, amount, pot } = details;
      settleSeat(
        seat,
        details.is_timeout
          ? { applied: false, reason: `the turn clock ran out first; the server played ${action}` }
          : { applied: true, action, amount, pot },
      );
    }
  } else if (frame.type === "action_rejected") {
    // playMatch answers a rejection with check (or fold) at once: the turn is over.
    if (seat.confirm?.requestId === frame.request_id) {
      settleSeat(seat, { applied: false, reason: String(frame.reason ?? "rejected") });
    }
  } else if (frame.type === "round_result") {
    const result = frame.result as { stacks: number[] };
    seat.stacks = result.stacks;
  }
}

/** The seat's state as `poker_status` shows it. */
export function seatState(seat: Seat): string {
  return seat.end ? "ended" : seat.lost ? seat.lost : seat.turn ? "your_turn" : "playing";
}
