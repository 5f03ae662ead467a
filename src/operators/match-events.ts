/**
 * `botgate.match` events: a match started (dispatched, seats announced) or ended (its
 * result recorded). Called once from each end of a match's life in `src/match/dispatch.ts`.
 */
import type { DispatchResult } from "../match/dispatched.ts";
import type { MatchOutcome } from "../match/results.ts";
import { type HubEnv, reportEvent } from "./hub-reporter.ts";

/** Where an admin (or an operator console) watches a match live. */
export function spectatePath(matchId: string): string {
  return `/ws/match/${matchId}/spectate`;
}

export function reportMatchStarted(env: HubEnv, result: DispatchResult, source: string): void {
  reportEvent(env, {
    event: "botgate.match",
    payload: {
      phase: "started",
      matchId: result.match_id,
      source,
      rated: result.rated,
      seats: result.seats.map((s) => ({
        seat: s.seat,
        participantId: s.participant_id,
        botId: s.bot_id,
        name: s.name,
        kind: s.kind,
      })),
      spectatePath: spectatePath(result.match_id),
      ts: Date.now(),
    },
  });
}

export function reportMatchEnded(env: HubEnv, outcome: MatchOutcome): void {
  const end = outcome.match_end;
  reportEvent(env, {
    event: "botgate.match",
    payload: {
      phase: "ended",
      matchId: outcome.match_id,
      status: outcome.status,
      reason: end.reason,
      ...("total_hands_played" in end ? { handsPlayed: end.total_hands_played } : {}),
      seats: outcome.seats.map((s) => ({
        seat: s.seat,
        participantId: s.participant_id,
        botId: s.bot_id,
        place: s.place,
        netChips: s.net_chips,
      })),
      endedAt: outcome.ended_at,
      ts: Date.now(),
    },
  });
}
