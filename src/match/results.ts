/**
 * The `match_end` payloads (§5.4.7) and the outcome the registry stores, built from the
 * engine state and the seats' stored statistics. Pure: no storage, no sockets.
 */
import { handInProgress, type MatchState, matchSummary } from "../poker/index.ts";
import type { FullMatchEndFrame, ShortMatchEndFrame, Unstamped } from "../protocol/bot-frames.ts";

/** Why a seat lost the match by forfeit (§5.9). */
export type ForfeitReason = "grace_expired" | "budget_exhausted";

/** What the results need from a seat: its identity and its stored statistics. */
export interface SeatStats {
  seat: number;
  participant_id: string;
  bot_id: string;
  name: string;
  bot_errors: { code: string; message: string; hand_number: number }[];
  latencies: number[];
}

/** How a played match ended. */
export type Ending =
  | { kind: "played" }
  | { kind: "forfeit"; seat: number; winner: number; reason: ForfeitReason }
  | { kind: "all_disconnected"; simultaneous: boolean };

/** Two drops closer than this count as one simultaneous disconnect. */
export const SIMULTANEOUS_DISCONNECT_MS = 1000;

/** What the registry records for a finished match (D1 `matches` and `participants`). */
export interface MatchOutcome {
  match_id: string;
  status: "completed" | "cancelled" | "error";
  ended_at: string;
  /** The `match_end` every connected seat received, without its envelope `seq`/`server_ts`. */
  match_end: Unstamped<FullMatchEndFrame> | Unstamped<ShortMatchEndFrame>;
  seats: {
    seat: number;
    participant_id: string;
    bot_id: string;
    net_chips: number | null;
    hands_won: number | null;
    final_stack: number | null;
    place: number | null;
  }[];
}

/**
 * The full `match_end`. A match cut short by a forfeit or a disconnect mid-hand voids that
 * hand: stacks are those before it was dealt and it does not count as played.
 */
export function fullMatchEnd(
  matchId: string,
  engine: MatchState,
  seats: SeatStats[],
  ending: Ending,
): Unstamped<FullMatchEndFrame> {
  const summary = matchSummary(engine);
  const voided = ending.kind !== "played" && handInProgress(engine) && engine.hand !== null;
  const stacks = voided && engine.hand ? engine.hand.start_stacks : engine.stacks;
  const start = engine.config.starting_stack;
  const name = (seat: number) => seats.find((s) => s.seat === seat)?.name ?? `seat ${seat}`;
  const results = seats.map((s) => {
    const finalStack = stacks[s.seat] ?? 0;
    return {
      seat: s.seat,
      name: s.name,
      net_chips: finalStack - start,
      hands_won: summary.results[s.seat]?.hands_won ?? 0,
      final_stack: finalStack,
      bot_errors: s.bot_errors,
      decision_latency_samples_ms: s.latencies,
    };
  });
  const order =
    ending.kind === "played"
      ? summary.finishing_order.map((f) => f.seat)
      : rankByChips(stacks, ending);
  const frame: Unstamped<FullMatchEndFrame> = {
    type: "match_end",
    match_id: matchId,
    reason: "complete",
    results,
    total_hands_played: summary.total_hands_played - (voided ? 1 : 0),
    mode: "elimination",
    finishing_order: order.map((seat, i) => ({ place: i + 1, seat, name: name(seat) })),
    terminal_status: ending.kind === "all_disconnected" ? "error" : "completed",
  };
  if (ending.kind === "forfeit") {
    frame.forfeit_seat = ending.seat;
    frame.forfeit_winner_seat = ending.winner;
    frame.forfeit_reason = ending.reason;
  } else if (ending.kind === "all_disconnected") {
    frame.all_disconnected = true;
    frame.error_message = "Every seat disconnected for longer than the reconnect grace";
    if (ending.simultaneous) frame.simultaneous_disconnect = true;
  } else if (summary.safety_limit_reached) {
    frame.safety_limit_reached = true;
  }
  return frame;
}

/** Places for a match cut short: the awarded seat first, then by chips, forfeiting seat last. */
function rankByChips(
  stacks: readonly number[],
  ending: Exclude<Ending, { kind: "played" }>,
): number[] {
  const seats = stacks.map((stack, seat) => ({ stack, seat }));
  const key = (seat: number) => {
    if (ending.kind !== "forfeit") return 1;
    if (seat === ending.winner) return 0;
    return seat === ending.seat ? 2 : 1;
  };
  return seats
    .sort((a, b) => key(a.seat) - key(b.seat) || b.stack - a.stack || a.seat - b.seat)
    .map((s) => s.seat);
}

/** `match_end` for a match that never started: a seat missed the connection wait (§5.2). */
export function cancelledMatchEnd(matchId: string): Unstamped<ShortMatchEndFrame> {
  return {
    type: "match_end",
    match_id: matchId,
    reason: "cancelled",
    error_code: "connection_timeout",
  };
}

/** `match_end` for a match that crashed (§5.4.7). */
export function crashedMatchEnd(matchId: string): Unstamped<ShortMatchEndFrame> {
  return {
    type: "match_end",
    match_id: matchId,
    reason: "error",
    error_code: "server_error",
    error_message: "The match stopped on a server error",
  };
}

/** The registry's copy of the outcome, with per-seat figures when the match was played. */
export function outcomeOf(
  matchEnd: Unstamped<FullMatchEndFrame> | Unstamped<ShortMatchEndFrame>,
  seats: Pick<SeatStats, "seat" | "participant_id" | "bot_id">[],
  endedAt: number,
): MatchOutcome {
  const full = matchEnd.reason === "complete" ? matchEnd : null;
  return {
    match_id: matchEnd.match_id,
    status: full
      ? full.terminal_status === "completed"
        ? "completed"
        : "error"
      : matchEnd.reason === "cancelled"
        ? "cancelled"
        : "error",
    ended_at: new Date(endedAt).toISOString(),
    match_end: matchEnd,
    seats: seats.map((s) => {
      const result = full?.results.find((r) => r.seat === s.seat);
      const place = full?.finishing_order.find((f) => f.seat === s.seat)?.place ?? null;
      return {
        seat: s.seat,
        participant_id: s.participant_id,
        bot_id: s.bot_id,
        net_chips: result?.net_chips ?? null,
        hands_won: result?.hands_won ?? null,
        final_stack: result?.final_stack ?? null,
        place,
      };
    }),
  };
}
