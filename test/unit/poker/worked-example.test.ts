// Proves the engine reproduces the contract's worked example (§7 of bot-protocol.md) exactly:
// dealt from the §6.13 test vector, every Layer 2 payload of the hand — round_start state,
// each turn_request's state and valid_actions, the rejection, every turn_result, the
// phase changes, round_result and the match_end figures — matches the example frames.
import { describe, expect, it } from "vitest";
import {
  applyAction,
  createMatch,
  deckCommitment,
  type EngineEvent,
  handInProgress,
  type MatchState,
  matchOver,
  matchSummary,
  roundStartView,
  spectatorRoundResult,
  startHand,
  turnView,
} from "../../../src/poker/index.ts";

/** The example's frames, verbatim from §7 (the actor's copy where both seats get one). */
const FRAMES = {
  roundStartA: `{"type":"round_start","match_id":"5f0c2e7a-9b1d-4c3e-8a6f-2d4b7e9c1a03","seq":2,"server_ts":"2026-11-02T18:04:00.050Z","round_id":"r_c2a8f6d1-7e34-4b09-a5d2-8f1e6c3b9a47","round_number":1,"state":{"hand_number":1,"dealer_seat":0,"your_hole_cards":["Qs","Qd"],"pot":30,"post_blind_stacks":[1990,1980],"stacks":[2000,2000],"deck_commitment":"50003b0e741f4ca66105907ffcc7a2eeac96dcae151fbc9ed5a6f34fa2b69f2e"}}`,
  turnRequestA1: `{"type":"turn_request","match_id":"5f0c2e7a-9b1d-4c3e-8a6f-2d4b7e9c1a03","seq":3,"server_ts":"2026-11-02T18:04:00.060Z","seat":0,"request_id":"req_7c1e0a5f9b23","timeout_ms":30000,"turn_duration_ms":30000,"deadline_ts":1793642670060,"valid_actions":["fold","call","raise"],"state":{"hand_number":1,"phase":"preflop","board":[],"your_hole_cards":["Qs","Qd"],"pot":30,"your_stack":1990,"opponent_stacks":[1980],"to_call":10,"min_raise":40,"max_raise":2000,"action_history":[{"seat":0,"action":"post_small_blind","amount":10,"phase":"preflop","is_timeout":false},{"seat":1,"action":"post_big_blind","amount":20,"phase":"preflop","is_timeout":false}]}}`,
  turnResultA1: `{"type":"turn_result","match_id":"5f0c2e7a-9b1d-4c3e-8a6f-2d4b7e9c1a03","seq":4,"server_ts":"2026-11-02T18:04:01.262Z","seat":0,"details":{"action":"raise","amount":60,"pot":80,"stacks":[1940,1980],"is_timeout":false}}`,
  turnRequestB1: `{"type":"turn_request","match_id":"5f0c2e7a-9b1d-4c3e-8a6f-2d4b7e9c1a03","seq":4,"server_ts":"2026-11-02T18:04:01.580Z","seat":1,"request_id":"req_e84b2d06c1f7","timeout_ms":30000,"turn_duration_ms":30000,"deadline_ts":1793642671580,"valid_actions":["fold","call","raise"],"state":{"hand_number":1,"phase":"preflop","board":[],"your_hole_cards":["9h","8h"],"pot":80,"your_stack":1980,"opponent_stacks":[1940],"to_call":40,"min_raise":100,"max_raise":2000,"action_history":[{"seat":0,"action":"post_small_blind","amount":10,"phase":"preflop","is_timeout":false},{"seat":1,"action":"post_big_blind","amount":20,"phase":"preflop","is_timeout":false},{"seat":0,"action":"raise","amount":60,"phase":"preflop","is_timeout":false}]}}`,
  turnResultB1: `{"type":"turn_result","match_id":"5f0c2e7a-9b1d-4c3e-8a6f-2d4b7e9c1a03","seq":5,"server_ts":"2026-11-02T18:04:03.422Z","seat":1,"details":{"action":"call","amount":40,"pot":120,"stacks":[1940,1940],"is_timeout":false}}`,
  phaseChangeFlop: `{"type":"phase_change","match_id":"5f0c2e7a-9b1d-4c3e-8a6f-2d4b7e9c1a03","seq":6,"server_ts":"2026-11-02T18:04:03.423Z","state":{"phase":"flop","board":["9c","6d","2s"]}}`,
  turnRequestB2: `{"type":"turn_request","match_id":"5f0c2e7a-9b1d-4c3e-8a6f-2d4b7e9c1a03","seq":7,"server_ts":"2026-11-02T18:04:03.424Z","seat":1,"request_id":"req_31af9c8e7d02","timeout_ms":30000,"turn_duration_ms":30000,"deadline_ts":1793642673424,"valid_actions":["check","raise"],"state":{"hand_number":1,"phase":"flop","board":["9c","6d","2s"],"your_hole_cards":["9h","8h"],"pot":120,"your_stack":1940,"opponent_stacks":[1940],"to_call":0,"min_raise":20,"max_raise":1940,"action_history":[{"seat":0,"action":"post_small_blind","amount":10,"phase":"preflop","is_timeout":false},{"seat":1,"action":"post_big_blind","amount":20,"phase":"preflop","is_timeout":false},{"seat":0,"action":"raise","amount":60,"phase":"preflop","is_timeout":false},{"seat":1,"action":"call","amount":40,"phase":"preflop","is_timeout":false}]}}`,
  turnResultB2: `{"type":"turn_result","match_id":"5f0c2e7a-9b1d-4c3e-8a6f-2d4b7e9c1a03","seq":8,"server_ts":"2026-11-02T18:04:05.102Z","seat":1,"details":{"action":"raise","amount":90,"pot":210,"stacks":[1940,1850],"is_timeout":false}}`,
  turnRequestA2: `{"type":"turn_request","match_id":"5f0c2e7a-9b1d-4c3e-8a6f-2d4b7e9c1a03","seq":8,"server_ts":"2026-11-02T18:04:05.505Z","seat":0,"request_id":"req_9d4e6b1a2c58","timeout_ms":30000,"turn_duration_ms":30000,"deadline_ts":1793642675505,"valid_actions":["fold","call","raise"],"state":{"hand_number":1,"phase":"flop","board":["9c","6d","2s"],"your_hole_cards":["Qs","Qd"],"pot":210,"your_stack":1940,"opponent_stacks":[1850],"to_call":90,"min_raise":180,"max_raise":1940,"action_history":[{"seat":0,"action":"post_small_blind","amount":10,"phase":"preflop","is_timeout":false},{"seat":1,"action":"post_big_blind","amount":20,"phase":"preflop","is_timeout":false},{"seat":0,"action":"raise","amount":60,"phase":"preflop","is_timeout":false},{"seat":1,"action":"call","amount":40,"phase":"preflop","is_timeout":false},{"seat":1,"action":"raise","amount":90,"phase":"flop","is_timeout":false}]}}`,
  actionRejectedA: `{"type":"action_rejected","match_id":"5f0c2e7a-9b1d-4c3e-8a6f-2d4b7e9c1a03","seq":9,"server_ts":"2026-11-02T18:04:06.402Z","request_id":"req_9d4e6b1a2c58","reason":"Action 'all_in' is not valid. Valid actions: ['fold', 'call', 'raise']","message":"Action 'all_in' is not valid. Valid actions: ['fold', 'call', 'raise']","details":{"valid_actions":["fold","call","raise"]},"submitted_action":"all_in","remaining_ms":29103,"valid_actions":["fold","call","raise"]}`,
  turnResultA2: `{"type":"turn_result","match_id":"5f0c2e7a-9b1d-4c3e-8a6f-2d4b7e9c1a03","seq":10,"server_ts":"2026-11-02T18:04:07.102Z","seat":0,"details":{"action":"raise","amount":1940,"pot":2150,"stacks":[0,1850],"is_timeout":false}}`,
  turnRequestB3: `{"type":"turn_request","match_id":"5f0c2e7a-9b1d-4c3e-8a6f-2d4b7e9c1a03","seq":10,"server_ts":"2026-11-02T18:04:07.236Z","seat":1,"request_id":"req_c6f21b7d4e90","timeout_ms":30000,"turn_duration_ms":30000,"deadline_ts":1793642677236,"valid_actions":["fold","call"],"state":{"hand_number":1,"phase":"flop","board":["9c","6d","2s"],"your_hole_cards":["9h","8h"],"pot":2150,"your_stack":1850,"opponent_stacks":[0],"to_call":1850,"min_raise":0,"max_raise":0,"action_history":[{"seat":0,"action":"post_small_blind","amount":10,"phase":"preflop","is_timeout":false},{"seat":1,"action":"post_big_blind","amount":20,"phase":"preflop","is_timeout":false},{"seat":0,"action":"raise","amount":60,"phase":"preflop","is_timeout":false},{"seat":1,"action":"call","amount":40,"phase":"preflop","is_timeout":false},{"seat":1,"action":"raise","amount":90,"phase":"flop","is_timeout":false},{"seat":0,"action":"raise","amount":1940,"phase":"flop","is_timeout":false}]}}`,
  turnResultB3: `{"type":"turn_result","match_id":"5f0c2e7a-9b1d-4c3e-8a6f-2d4b7e9c1a03","seq":11,"server_ts":"2026-11-02T18:04:09.902Z","seat":1,"details":{"action":"call","amount":1850,"pot":4000,"stacks":[0,0],"is_timeout":false}}`,
  phaseChangeTurn: `{"type":"phase_change","match_id":"5f0c2e7a-9b1d-4c3e-8a6f-2d4b7e9c1a03","seq":12,"server_ts":"2026-11-02T18:04:09.903Z","state":{"phase":"turn","board":["9c","6d","2s","Kh"]}}`,
  phaseChangeRiver: `{"type":"phase_change","match_id":"5f0c2e7a-9b1d-4c3e-8a6f-2d4b7e9c1a03","seq":13,"server_ts":"2026-11-02T18:04:09.904Z","state":{"phase":"river","board":["9c","6d","2s","Kh","3c"]}}`,
  roundResult: `{"type":"round_result","match_id":"5f0c2e7a-9b1d-4c3e-8a6f-2d4b7e9c1a03","seq":14,"server_ts":"2026-11-02T18:04:09.905Z","round_id":"r_c2a8f6d1-7e34-4b09-a5d2-8f1e6c3b9a47","round_number":1,"result":{"hand_number":1,"winner_seats":[0],"pot":4000,"payouts":[{"seat":0,"amount":4000}],"showdown":[{"seat":0,"hole_cards":["Qs","Qd"],"hand_rank":"Pair","best_hand":["Qs","Qd","Kh","9c","6d"]},{"seat":1,"hole_cards":["9h","8h"],"hand_rank":"Pair","best_hand":["9h","9c","Kh","8h","6d"]}],"action_history":[{"seat":0,"action":"post_small_blind","amount":10,"phase":"preflop","is_timeout":false},{"seat":1,"action":"post_big_blind","amount":20,"phase":"preflop","is_timeout":false},{"seat":0,"action":"raise","amount":60,"phase":"preflop","is_timeout":false},{"seat":1,"action":"call","amount":40,"phase":"preflop","is_timeout":false},{"seat":1,"action":"raise","amount":90,"phase":"flop","is_timeout":false},{"seat":0,"action":"raise","amount":1940,"phase":"flop","is_timeout":false},{"seat":1,"action":"call","amount":1850,"phase":"flop","is_timeout":false}],"stacks":[4000,0],"deck_commitment":"50003b0e741f4ca66105907ffcc7a2eeac96dcae151fbc9ed5a6f34fa2b69f2e","deck_reveal":null}}`,
  matchEnd: `{"type":"match_end","match_id":"5f0c2e7a-9b1d-4c3e-8a6f-2d4b7e9c1a03","seq":15,"server_ts":"2026-11-02T18:04:09.906Z","reason":"complete","results":[{"seat":0,"name":"Alpha","net_chips":2000,"hands_won":1,"final_stack":4000,"bot_errors":[],"decision_latency_samples_ms":[1200.4,1595.3]},{"seat":1,"name":"Bravo","net_chips":-2000,"hands_won":0,"final_stack":0,"bot_errors":[],"decision_latency_samples_ms":[1840.2,1676.0,2664.7]}],"total_hands_played":1,"mode":"elimination","finishing_order":[{"place":1,"seat":0,"name":"Alpha"},{"place":2,"seat":1,"name":"Bravo"}],"terminal_status":"completed"}`,
};

type Frame = Record<string, unknown> & { state?: Record<string, unknown> };
const frame = (name: keyof typeof FRAMES): Frame => JSON.parse(FRAMES[name]);

const VECTOR = {
  seed: "3b9e1f0c7a2d48e6b5c1f9a07d3e6b2c4a8f1e5d9c0b7a6e2f4d8c1b3a5e7f90",
  deck: "9hQs8hQd4c9c6d2sJdKh5s3cAhAd5hJsKc3dKs2c5c4sQhKd8s7c9s2dTsAs8dJc7s6h7h9d3sJhQc4d6s8c7dTd6c2hTh4h5dTc3hAc",
  commitment: "50003b0e741f4ca66105907ffcc7a2eeac96dcae151fbc9ed5a6f34fa2b69f2e",
};
const deck = { seed: VECTOR.seed, deck_order: VECTOR.deck.match(/../g) ?? [] };

/** Serialised with key order: the example is the upstream byte stream, so order counts too. */
const same = (actual: unknown, expected: unknown) =>
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));

/** A turn_request's payload must be the example's; the §9 item 16 extras come on top. */
function expectTurnRequest(state: MatchState, name: keyof typeof FRAMES) {
  const expected = frame(name);
  const seat = expected.seat as number;
  const { valid_actions, state: view } = turnView(state, seat);
  const { your_seat, dealer_seat, ...upstream } = view;
  same(valid_actions, expected.valid_actions);
  same(upstream, expected.state);
  expect({ your_seat, dealer_seat }).toEqual({ your_seat: seat, dealer_seat: 0 });
}

function expectEvents(events: EngineEvent[], names: (keyof typeof FRAMES)[]) {
  expect(events.map((e) => e.type)).toEqual(names.map((n) => frame(n).type));
  events.forEach((event, i) => {
    const expected = frame(names[i] as keyof typeof FRAMES);
    if (event.type === "turn_result") {
      expect(event.seat).toBe(expected.seat);
      same(event.details, expected.details);
    } else if (event.type === "phase_change") {
      same(event.state, expected.state);
    } else {
      same(event.result, expected.result);
    }
  });
}

function apply(state: MatchState, seat: number, action: string, params?: unknown) {
  const result = applyAction(state, seat, action, params);
  if (!result.ok) throw new Error(result.reason);
  return result.events;
}

describe("the §7 worked example", () => {
  it("commits to the §6.13 test vector", async () => {
    expect(deckCommitment(deck)).toBe(VECTOR.commitment);
  });

  it("replays hand 1 frame by frame", () => {
    const state = createMatch(
      {
        variant: "nlhe",
        starting_stack: 2000,
        small_blind: 10,
        big_blind: 20,
        ante: 0,
        num_players: 2,
      },
      { handCap: 500 },
    );
    expect(startHand(state, deck, VECTOR.commitment)).toEqual([]);

    same(roundStartView(state, 0), frame("roundStartA").state);
    same(roundStartView(state, 1), {
      ...frame("roundStartA").state,
      your_hole_cards: ["9h", "8h"],
    });

    expectTurnRequest(state, "turnRequestA1");
    expectEvents(apply(state, 0, "raise", { amount: 60 }), ["turnResultA1"]);
    expectTurnRequest(state, "turnRequestB1");
    expectEvents(apply(state, 1, "call", {}), ["turnResultB1", "phaseChangeFlop"]);
    expectTurnRequest(state, "turnRequestB2");
    expectEvents(apply(state, 1, "raise", { amount: 90 }), ["turnResultB2"]);
    expectTurnRequest(state, "turnRequestA2");

    const rejected = frame("actionRejectedA");
    expect(applyAction(state, 0, "all_in", {})).toEqual({
      ok: false,
      reason: rejected.reason,
      valid_actions: rejected.valid_actions,
    });
    expectTurnRequest(state, "turnRequestA2");

    expectEvents(apply(state, 0, "raise", { amount: 5000 }), ["turnResultA2"]);
    expectTurnRequest(state, "turnRequestB3");
    expectEvents(apply(state, 1, "call"), [
      "turnResultB3",
      "phaseChangeTurn",
      "phaseChangeRiver",
      "roundResult",
    ]);

    expect(handInProgress(state)).toBe(false);
    expect(matchOver(state)).toEqual({ reason: "elimination" });
    const end = frame("matchEnd") as {
      results: { seat: number; net_chips: number; hands_won: number; final_stack: number }[];
      finishing_order: { place: number; seat: number }[];
      total_hands_played: number;
    };
    const summary = matchSummary(state);
    expect(summary.results).toEqual(
      end.results.map(({ seat, net_chips, hands_won, final_stack }) => ({
        seat,
        final_stack,
        net_chips,
        hands_won,
      })),
    );
    expect(summary.finishing_order).toEqual(
      end.finishing_order.map(({ place, seat }) => ({ place, seat })),
    );
    expect(summary.total_hands_played).toBe(end.total_hands_played);
    expect(summary.safety_limit_reached).toBe(false);
  });

  it("reveals the test vector to spectators only", () => {
    const state = createMatch(
      {
        variant: "nlhe",
        starting_stack: 2000,
        small_blind: 10,
        big_blind: 20,
        ante: 0,
        num_players: 2,
      },
      { handCap: 500 },
    );
    startHand(state, deck, VECTOR.commitment);
    expect(spectatorRoundResult(state)).toBeNull();
    apply(state, 0, "fold");
    const expected = frame("roundResult").result as Record<string, unknown>;
    expect(state.hand?.result?.deck_reveal).toBeNull();
    expect(spectatorRoundResult(state)).toMatchObject({
      deck_commitment: expected.deck_commitment,
      deck_reveal: { seed: VECTOR.seed, deck_order: deck.deck_order },
    });
  });
});
