// Proves the match_end payloads of §5.4.7: the forfeit and all-disconnected forms (a hand cut
// short is voided), the short forms, and the registry outcome's status mapping.
import { describe, expect, it } from "vitest";
import {
  cancelledMatchEnd,
  crashedMatchEnd,
  fullMatchEnd,
  outcomeOf,
  type SeatStats,
} from "../../../src/match/results.ts";
import { createMatch, deckCommitment, newDeck, startHand } from "../../../src/poker/index.ts";

const seats: SeatStats[] = [
  {
    seat: 0,
    participant_id: "p_000000000000",
    bot_id: "a",
    name: "Alpha",
    bot_errors: [],
    latencies: [12.5],
  },
  {
    seat: 1,
    participant_id: "p_111111111111",
    bot_id: "b",
    name: "Bravo",
    bot_errors: [],
    latencies: [],
  },
];

async function midHand() {
  const state = createMatch(
    {
      variant: "nlhe",
      starting_stack: 2000,
      small_blind: 10,
      big_blind: 20,
      ante: 0,
      num_players: 2,
    },
    { handCap: 10 },
  );
  const deck = newDeck();
  startHand(state, deck, deckCommitment(deck));
  return state;
}

describe("fullMatchEnd", () => {
  it("awards a forfeit to the winner and voids the hand in play", async () => {
    const end = fullMatchEnd("m", await midHand(), seats, {
      kind: "forfeit",
      seat: 0,
      winner: 1,
      reason: "grace_expired",
    });
    expect(end).toMatchObject({
      reason: "complete",
      total_hands_played: 0,
      terminal_status: "completed",
      forfeit_seat: 0,
      forfeit_winner_seat: 1,
      forfeit_reason: "grace_expired",
      finishing_order: [
        { place: 1, seat: 1, name: "Bravo" },
        { place: 2, seat: 0, name: "Alpha" },
      ],
    });
    expect(end.results.map((r) => [r.final_stack, r.net_chips])).toEqual([
      [2000, 0],
      [2000, 0],
    ]);
    expect(end.results[0]?.decision_latency_samples_ms).toEqual([12.5]);
    expect(end).not.toHaveProperty("safety_limit_reached");
  });

  it("marks a match where every seat vanished", async () => {
    const end = fullMatchEnd("m", await midHand(), seats, {
      kind: "all_disconnected",
      simultaneous: true,
    });
    expect(end).toMatchObject({
      terminal_status: "error",
      all_disconnected: true,
      simultaneous_disconnect: true,
    });
    expect(end.error_message).toEqual(expect.any(String));
    expect(outcomeOf(end, seats, 0).status).toBe("error");
  });
});

describe("short forms and outcomes", () => {
  it("builds the cancelled and crashed forms without results", () => {
    expect(cancelledMatchEnd("m")).toEqual({
      type: "match_end",
      match_id: "m",
      reason: "cancelled",
      error_code: "connection_timeout",
    });
    expect(crashedMatchEnd("m")).toMatchObject({ reason: "error", error_code: "server_error" });
    const outcome = outcomeOf(cancelledMatchEnd("m"), seats, Date.UTC(2026, 0, 1));
    expect(outcome).toMatchObject({ status: "cancelled", ended_at: "2026-01-01T00:00:00.000Z" });
    expect(outcome.seats.map((s) => s.place)).toEqual([null, null]);
  });
});
