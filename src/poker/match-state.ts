/**
 * A match as a whole (§6.3, §6.11): the config it is played under, its creation, whether a
 * hand is under way and whose turn it is, why it is over, and the `match_end` standings.
 */
import type { GameConfig, MatchOver, MatchState, MatchSummary } from "./types.ts";

/** Throws unless `config` is a Layer 2 `game_config` this engine can play (§6.3). */
export function assertValidConfig(config: GameConfig): void {
  const ints = [config.starting_stack, config.small_blind, config.big_blind, config.ante];
  if (config.variant !== "nlhe") throw new Error("variant must be nlhe");
  if (!ints.every(Number.isSafeInteger)) throw new Error("chip amounts must be integers");
  if (config.starting_stack <= 0 || config.small_blind <= 0 || config.ante < 0) {
    throw new Error("starting_stack and small_blind must be > 0, ante ≥ 0");
  }
  if (config.big_blind < config.small_blind) throw new Error("big_blind must be ≥ small_blind");
  if (!Number.isInteger(config.num_players) || config.num_players < 2 || config.num_players > 6) {
    throw new Error("num_players must be 2–6");
  }
}

/** A new match: every seat at `starting_stack`, no hand dealt yet. */
export function createMatch(config: GameConfig, options: { handCap: number }): MatchState {
  assertValidConfig(config);
  if (!Number.isInteger(options.handCap) || options.handCap < 1) {
    throw new Error("handCap must be a positive integer");
  }
  const seats = config.num_players;
  return {
    config: { ...config },
    hand_cap: options.handCap,
    stacks: new Array<number>(seats).fill(config.starting_stack),
    hands_won: new Array<number>(seats).fill(0),
    hands_played: 0,
    eliminated: [],
    hand: null,
  };
}

/** True while a hand is dealt and not yet settled. */
export function handInProgress(state: MatchState): boolean {
  return state.hand !== null && state.hand.result === null;
}

/** The seat owed a `turn_request`, or null (no hand, or nobody can act). */
export function actingSeat(state: MatchState): number | null {
  return handInProgress(state) ? (state.hand?.to_act ?? null) : null;
}

/** Why the match is over, or null while another hand should be dealt. */
export function matchOver(state: MatchState): MatchOver | null {
  if (handInProgress(state)) return null;
  if (state.stacks.filter((s) => s > 0).length <= 1) return { reason: "elimination" };
  if (state.hands_played >= state.hand_cap) return { reason: "safety_limit" };
  return null;
}

/**
 * Standings for `match_end`. Seats still holding chips rank by chips (ties: lower seat
 * first), then eliminated seats, last out first. With one survivor, place 1 is the survivor.
 */
export function matchSummary(state: MatchState): MatchSummary {
  const start = state.config.starting_stack;
  const alive = state.stacks
    .map((stack, seat) => ({ stack, seat }))
    .filter((s) => s.stack > 0)
    .sort((a, b) => b.stack - a.stack || a.seat - b.seat)
    .map((s) => s.seat);
  const order = [...alive, ...[...state.eliminated].reverse()];
  return {
    results: state.stacks.map((stack, seat) => ({
      seat,
      final_stack: stack,
      net_chips: stack - start,
      hands_won: state.hands_won[seat] ?? 0,
    })),
    finishing_order: order.map((seat, i) => ({ place: i + 1, seat })),
    total_hands_played: state.hands_played,
    safety_limit_reached: matchOver(state)?.reason === "safety_limit",
  };
}
