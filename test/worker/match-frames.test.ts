// Proves every server frame of a played hand field by field (§5.3, §5.4, §6): the handshake
// hello, match_start, round_start, turn_request, turn_result, phase_change, round_result and
// the full match_end, the per-seat seq counters, and close 1000 after match_end.
import { describe, expect, it } from "vitest";
import {
  connectSeat,
  type Frame,
  handshake,
  playPassively,
  seatPath,
  stored,
  TestSocket,
  twoBotMatch,
} from "./match-harness";

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function seqs(frames: Frame[]): number[] {
  return frames.filter((f) => f.type !== "hello").map((f) => f.seq as number);
}

describe("server frames", () => {
  it("sends the server hello with seq 1 and the contract's fields", async () => {
    const { alpha, match } = await twoBotMatch();
    const socket = await TestSocket.open(seatPath(match, 0), { token: alpha.token });
    expect(socket.protocol).toBe("chipzen-bot-token");
    const hello = await handshake(socket, match.match_id);
    expect(hello).toEqual({
      type: "hello",
      match_id: match.match_id,
      seq: 1,
      server_ts: expect.stringMatching(ISO_MS),
      supported_versions: ["1.0"],
      selected_version: "1.0",
      server_name: "chipzen",
      game_type: "poker",
      capabilities: ["reconnect"],
    });
  });

  it("announces no capabilities when reconnection is off", async () => {
    const { alpha, match } = await twoBotMatch({ reconnect_budget: 0 });
    const socket = await TestSocket.open(seatPath(match, 0), { token: alpha.token });
    expect((await handshake(socket, match.match_id)).capabilities).toEqual([]);
  });

  it("plays a hand with every frame shaped as the contract says", async () => {
    const { alpha, bravo, match } = await twoBotMatch({ hand_cap: 1, turn_timeout_ms: 30_000 });
    const a = await connectSeat(match, 0, alpha.token);
    const b = await connectSeat(match, 1, bravo.token);

    const startA = await a.next("match_start");
    const startB = await b.next("match_start");
    expect(startA).toEqual({
      type: "match_start",
      match_id: match.match_id,
      seq: 1,
      server_ts: expect.stringMatching(ISO_MS),
      seats: [
        {
          seat: 0,
          display_name: alpha.name,
          participant_id: match.seats[0]?.participant_id,
          is_self: true,
        },
        {
          seat: 1,
          display_name: bravo.name,
          participant_id: match.seats[1]?.participant_id,
          is_self: false,
        },
      ],
      game_config: {
        variant: "nlhe",
        starting_stack: 2000,
        small_blind: 10,
        big_blind: 20,
        ante: 0,
        num_players: 2,
      },
      turn_timeout_ms: 30_000,
      your_seat: 0,
    });
    expect(startB.your_seat).toBe(1);
    expect((startB.seats as { is_self: boolean }[]).map((s) => s.is_self)).toEqual([false, true]);

    const roundA = await a.next("round_start");
    const roundB = await b.next("round_start");
    expect(roundA).toMatchObject({ type: "round_start", seq: 2, round_number: 1 });
    expect(roundA.round_id).toMatch(/^r_[0-9a-f-]{36}$/);
    expect(roundB.round_id).toBe(roundA.round_id);
    const stateA = roundA.state as Record<string, unknown>;
    expect(stateA).toEqual({
      hand_number: 1,
      dealer_seat: 0,
      your_hole_cards: expect.any(Array),
      pot: 30,
      post_blind_stacks: [1990, 1980],
      stacks: [2000, 2000],
      deck_commitment: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const holeA = stateA.your_hole_cards as string[];
    const holeB = (roundB.state as { your_hole_cards: string[] }).your_hole_cards;
    expect(holeA).toHaveLength(2);
    expect(holeA.some((card) => holeB.includes(card))).toBe(false);

    // Preflop: the dealer (seat 0) posts the small blind and acts first.
    const turn = await a.next("turn_request");
    expect(turn).toMatchObject({
      type: "turn_request",
      seq: 3,
      seat: 0,
      timeout_ms: 30_000,
      turn_duration_ms: 30_000,
      valid_actions: ["fold", "call", "raise"],
    });
    expect(turn.request_id).toMatch(/^req_[0-9a-f]{12}$/);
    expect(turn.deadline_ts).toBe(Date.parse(turn.server_ts as string) + 30_000);
    expect(turn.state).toMatchObject({
      hand_number: 1,
      phase: "preflop",
      board: [],
      your_hole_cards: holeA,
      pot: 30,
      your_stack: 1990,
      opponent_stacks: [1980],
      to_call: 10,
      min_raise: 40,
      max_raise: 2000,
      your_seat: 0,
      dealer_seat: 0,
    });
    expect(b.unread.map((f) => f.type)).not.toContain("turn_request");

    a.send({
      type: "turn_action",
      match_id: match.match_id,
      request_id: turn.request_id,
      action: "call",
      params: {},
    });
    const resultA = await a.next("A's turn_result");
    const resultB = await b.next("B's turn_result");
    const details = {
      action: "call",
      amount: 10,
      pot: 40,
      stacks: [1980, 1980],
      is_timeout: false,
    };
    expect(resultA).toEqual({
      type: "turn_result",
      match_id: match.match_id,
      seq: 4,
      server_ts: expect.stringMatching(ISO_MS),
      seat: 0,
      details,
    });
    expect(resultB).toMatchObject({ type: "turn_result", seq: 3, seat: 0, details });

    const turnB = await b.next("B's turn_request");
    expect(turnB).toMatchObject({ seq: 4, seat: 1, valid_actions: ["check", "raise"] });
    b.send({
      type: "turn_action",
      match_id: match.match_id,
      request_id: turnB.request_id,
      action: "check",
    });

    const flopA = await a.nextOf("phase_change");
    expect(flopA).toMatchObject({ type: "phase_change", state: { phase: "flop" } });
    expect((flopA.state as { board: string[] }).board).toHaveLength(3);

    const [endA, endB] = await Promise.all([
      playPassively(a, match.match_id),
      playPassively(b, match.match_id),
    ]);
    const roundResult = a.frames.find((f) => f.type === "round_result") as Frame;
    expect(roundResult).toMatchObject({ round_id: roundA.round_id, round_number: 1 });
    const result = roundResult.result as Record<string, unknown>;
    expect(result).toMatchObject({ hand_number: 1, pot: 40, deck_reveal: null });
    expect(result.deck_commitment).toBe(stateA.deck_commitment);
    expect((result.showdown as unknown[]).length).toBe(2);
    expect(
      (result.action_history as { action: string }[]).slice(0, 2).map((e) => e.action),
    ).toEqual(["post_small_blind", "post_big_blind"]);

    expect(endA).toMatchObject({
      type: "match_end",
      reason: "complete",
      total_hands_played: 1,
      mode: "elimination",
      terminal_status: "completed",
      safety_limit_reached: true,
    });
    const results = endA.results as Record<string, unknown>[];
    expect(results.map((r) => r.seat)).toEqual([0, 1]);
    expect(results[0]).toEqual({
      seat: 0,
      name: alpha.name,
      net_chips: expect.any(Number),
      hands_won: expect.any(Number),
      final_stack: expect.any(Number),
      bot_errors: [],
      decision_latency_samples_ms: expect.any(Array),
    });
    expect((results[0]?.net_chips as number) + (results[1]?.net_chips as number)).toBe(0);
    expect(results[0]?.decision_latency_samples_ms).not.toEqual([]);
    expect(endA.finishing_order).toEqual([
      expect.objectContaining({ place: 1 }),
      expect.objectContaining({ place: 2 }),
    ]);
    expect(endB.results).toEqual(endA.results);

    // seq strictly increases by one per frame on each socket, from match_start = 1.
    for (const socket of [a, b]) {
      const numbers = seqs(socket.frames);
      expect(numbers[0]).toBe(1);
      expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    }
    expect((await a.closed()).code).toBe(1000);
    expect((await b.closed()).code).toBe(1000);
    expect((await stored(match.match_id)).meta.status).toBe("ended");
  });
});
