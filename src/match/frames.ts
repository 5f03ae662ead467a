/**
 * Builders of the server frames the room sends (§5.1, §5.4), typed against the frame
 * interfaces of `src/protocol/bot-frames.ts`. Pure: the room supplies ids, times and rows.
 */

import { isoNow } from "../lib/time.ts";
import type { GameConfig, TurnState } from "../poker/index.ts";
import {
  type ActionRejectedFrame,
  type Envelope,
  type ErrorFrame,
  type MatchErrorCode,
  type MatchStartFrame,
  type ServerHelloFrame,
  type SpectatorHelloFrame,
  type SpectatorMatchStartFrame,
  SUPPORTED_VERSIONS,
  type TurnRequestFrame,
  type Unstamped,
} from "../protocol/bot-frames.ts";
import type { MatchConfig } from "./config.ts";

/** A seat as the frames show it. */
export interface SeatIdentity {
  seat: number;
  name: string;
  participant_id: string;
}

/** A pending turn as the frames show it. */
export interface PendingTurn {
  seat: number;
  request_id: string;
  valid_actions: string[];
  state: unknown;
  deadline: number | null;
}

/** Adds the envelope's `seq` and `server_ts`, keeping the contract's key order (§5.3). */
export function stamp<F extends Unstamped<Envelope>>(frame: F, seq: number, now: number): Envelope {
  const { type, match_id, ...rest } = frame;
  return { type, match_id, seq, server_ts: isoNow(now), ...rest };
}

/** The Layer 2 `game_config` of a match (§6.3). */
export function gameConfig(config: MatchConfig, seats: number): GameConfig {
  return {
    variant: "nlhe",
    starting_stack: config.starting_stack,
    small_blind: config.small_blind,
    big_blind: config.big_blind,
    ante: config.ante,
    num_players: seats,
  };
}

/** Server `hello` (§5.1): its own counter, always `seq: 1`. */
export function serverHello(matchId: string, reconnect: boolean, now: number): ServerHelloFrame {
  return {
    type: "hello",
    match_id: matchId,
    seq: 1,
    server_ts: isoNow(now),
    supported_versions: [...SUPPORTED_VERSIONS],
    selected_version: SUPPORTED_VERSIONS[0],
    server_name: "chipzen",
    game_type: "poker",
    capabilities: reconnect ? ["reconnect"] : [],
  };
}

/** An `error` sent right before a close: a fresh counter, `seq: 1` (§5.3). */
export function closingError(
  matchId: string,
  code: MatchErrorCode,
  message: string,
  now: number,
): ErrorFrame {
  return { type: "error", match_id: matchId, seq: 1, server_ts: isoNow(now), code, message };
}

function publicSeats(seats: SeatIdentity[]) {
  return seats.map((s) => ({
    seat: s.seat,
    display_name: s.name,
    participant_id: s.participant_id,
  }));
}

/** `match_start` for one seat (§5.4.1). */
export function matchStart(
  matchId: string,
  seats: SeatIdentity[],
  config: MatchConfig,
  seat: number,
): Unstamped<MatchStartFrame> {
  return {
    type: "match_start",
    match_id: matchId,
    seats: publicSeats(seats).map((p) => ({ ...p, is_self: p.seat === seat })),
    game_config: gameConfig(config, seats.length),
    turn_timeout_ms: config.turn_timeout_ms,
    your_seat: seat,
  };
}

/** The spectators' `match_start`: nobody is "self". */
export function spectatorMatchStart(
  matchId: string,
  seats: SeatIdentity[],
  config: MatchConfig,
): Unstamped<SpectatorMatchStartFrame> {
  return {
    type: "match_start",
    match_id: matchId,
    seats: publicSeats(seats),
    game_config: gameConfig(config, seats.length),
    turn_timeout_ms: config.turn_timeout_ms,
  };
}

/** The greeting of a spectator socket: the match as it stands. */
export function spectatorHello(
  matchId: string,
  status: SpectatorHelloFrame["status"],
  seats: SeatIdentity[],
  config: MatchConfig,
): Unstamped<SpectatorHelloFrame> {
  return { ...spectatorMatchStart(matchId, seats, config), type: "spectator_hello", status };
}

/**
 * `turn_request` (§5.4.3) with the time left on its clock: the full window on the first
 * send, what remains on a re-send after a reconnect (§5.9).
 */
export function turnRequest(
  matchId: string,
  turn: PendingTurn & { deadline: number },
  now: number,
): Unstamped<TurnRequestFrame> {
  const remaining = Math.max(1, turn.deadline - now);
  return {
    type: "turn_request",
    match_id: matchId,
    seat: turn.seat,
    request_id: turn.request_id,
    timeout_ms: remaining,
    turn_duration_ms: remaining,
    deadline_ts: turn.deadline,
    valid_actions: turn.valid_actions,
    state: turn.state as TurnState,
  };
}

/** `action_rejected` with every field (§5.4.9). */
export function actionRejected(
  matchId: string,
  turn: PendingTurn,
  submitted: string,
  reason: string,
  now: number,
): Unstamped<ActionRejectedFrame> {
  return {
    type: "action_rejected",
    match_id: matchId,
    request_id: turn.request_id,
    reason,
    message: reason,
    details: { valid_actions: turn.valid_actions },
    submitted_action: submitted,
    remaining_ms: Math.max(0, (turn.deadline ?? now) - now),
    valid_actions: turn.valid_actions,
  };
}
