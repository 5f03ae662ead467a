/**
 * The two lobby dispatch paths (bot protocol §8.1): the casual house-bot challenge and the
 * rated matchmaking pair, both with the 30 s decision clock announced in `matched`, and the
 * check both apply to a bot before it gets a seat.
 */
import { dispatchMatch } from "../match/dispatch";
import type { DispatchResult } from "../match/dispatched";
import type { Bot } from "../registry/bots";
import { tokenCapacity } from "./match-index";
import type { Eligibility } from "./queue";

/** The decision clock of both paths (§3.5, §5.7). */
export const LOBBY_DECISION_TIMEOUT_MS = 30_000;

/**
 * §3.5: a dispatch needs the bot in the lobby at that moment and a free slot under its
 * token's concurrent-match cap (a slot frees when a match finalizes).
 */
export async function dispatchEligibility(
  env: Env,
  botId: string,
  tokenId: string,
): Promise<Eligibility> {
  if (!(await env.BOT.getByName(botId).isOnline())) return "offline";
  const capacity = await tokenCapacity(env.DB, tokenId);
  if (!capacity) return "revoked";
  return capacity.live < capacity.cap ? "ok" : "at_cap";
}

/**
 * The pace settings of a `fast` challenge: no house think time, no turn-result jitter, and
 * room for a bot that answers at once (a heads-up hand at that pace passes the contract's 10
 * messages per second, and replies over the limit would be auto-acted, then closed 4009).
 */
export const FAST_CHALLENGE_CONFIG = {
  house_think_ms: 0,
  jitter_min_ms: 0,
  jitter_max_ms: 0,
  max_messages_per_second: 200,
};

/**
 * A casual match of a bot (seat 0) against a house bot (seat 1): unrated, with a 30 s clock
 * unless the challenge asked for another; `fast` plays it without think time or jitter.
 */
export function dispatchChallenge(
  env: Env,
  challenger: { botId: string; tokenId: string },
  house: Bot,
  options: { turnTimeoutMs?: number; fast?: boolean } = {},
): Promise<DispatchResult> {
  return dispatchMatch(env, {
    seats: [{ bot: challenger.botId, token_id: challenger.tokenId }, { bot: house.id }],
    config: {
      rated: false,
      turn_timeout_ms: options.turnTimeoutMs ?? LOBBY_DECISION_TIMEOUT_MS,
      ...(options.fast ? FAST_CHALLENGE_CONFIG : {}),
    },
    source: "challenge",
    decision_clock: true,
  });
}

/** A rated match of two queued external bots, in queue order: 30 s clock. */
export function dispatchQueuedPair(
  env: Env,
  first: { botId: string; tokenId: string },
  second: { botId: string; tokenId: string },
): Promise<DispatchResult> {
  return dispatchMatch(env, {
    seats: [
      { bot: first.botId, token_id: first.tokenId },
      { bot: second.botId, token_id: second.tokenId },
    ],
    config: { rated: true, turn_timeout_ms: LOBBY_DECISION_TIMEOUT_MS },
    source: "matchmaking",
    decision_clock: true,
  });
}
