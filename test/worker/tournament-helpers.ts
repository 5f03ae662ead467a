/**
 * Helpers for the tournament tests inside workerd: create and enter through the Worker's
 * real `fetch`, move a tournament's clock (its start or its check-in deadline) into the
 * past and fire its alarm, and wait for its state.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { TournamentView } from "../../src/tournaments/tournament";
import { call } from "./lobby-helpers";

/** Matches that never end on their own while a test runs: the seats are never dialled. */
export const IDLE_MATCH = { connection_wait_ms: 600_000, jitter_min_ms: 0, jitter_max_ms: 0 };

export function tournamentStub(id: string) {
  return env.TOURNAMENT.getByName(id);
}

/** Creates a tournament starting in an hour (so entries are open); throws unless 201. */
export async function createTournament(body: Record<string, unknown>): Promise<TournamentView> {
  const res = await call("POST", "/api/tournaments", {
    body: { starts_at: new Date(Date.now() + 3600_000).toISOString(), ...body },
  });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json as unknown as TournamentView;
}

export async function enter(id: string, token: string) {
  return call("POST", `/api/external-api/tournaments/${id}/entries`, { token });
}

/** The admin's start (now), then the alarm runs. */
export async function startNow(id: string): Promise<void> {
  await tournamentStub(id).start();
  await runDurableObjectAlarm(tournamentStub(id));
}

/** The current round's check-in window closes now, then the alarm runs. */
export async function closeCheckIn(id: string): Promise<void> {
  await runInDurableObject(tournamentStub(id), (_instance, state) => {
    state.storage.sql.exec("UPDATE state SET check_in_deadline = 0");
  });
  await runDurableObjectAlarm(tournamentStub(id));
}

/** Fires the alarm (if armed), then polls the view until `done` holds. */
export async function settle(
  id: string,
  what: string,
  done: (view: TournamentView) => boolean,
  timeoutMs = 5000,
): Promise<TournamentView> {
  await runDurableObjectAlarm(tournamentStub(id));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await tournamentStub(id).view();
    if (view && done(view)) return view;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last ${JSON.stringify(view)}`);
    }
    await runDurableObjectAlarm(tournamentStub(id));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A `match_end` report won by `winnerSeat` (seat 0 is the table's first bot). */
export function wonReport(matchId: string, bots: readonly [string, string], winnerSeat: 0 | 1) {
  const stacks = winnerSeat === 0 ? [200, 0] : [0, 200];
  return {
    match_id: matchId,
    match_end: {
      type: "match_end" as const,
      match_id: matchId,
      reason: "complete" as const,
      results: stacks.map((final_stack, seat) => ({
        seat,
        name: `seat ${seat}`,
        net_chips: final_stack - 100,
        hands_won: 1,
        final_stack,
        bot_errors: [],
        decision_latency_samples_ms: [],
      })),
      total_hands_played: 2,
      mode: "elimination" as const,
      finishing_order: [
        { place: 1, seat: winnerSeat, name: "w" },
        { place: 2, seat: 1 - winnerSeat, name: "l" },
      ],
      terminal_status: "completed" as const,
    },
    seats: bots.map((bot_id, seat) => ({ seat, bot_id, net_chips: (stacks[seat] ?? 0) - 100 })),
  };
}
