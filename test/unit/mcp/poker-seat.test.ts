// Proves the bridge's per-match seat state (src/mcp/poker-seat.ts) and the checks on an
// agent's answer (src/mcp/poker-decision.ts), without a lobby or a bot run.
import { describe, expect, it } from "vitest";
import type { TurnRequest } from "../../../src/client/types.ts";
import { checkDecision, noOpenTurn } from "../../../src/mcp/poker-decision.ts";
import {
  type ActResult,
  expireSeat,
  MAX_EVENTS,
  newSeat,
  type PastTurns,
  type Seat,
  seatFrame,
  seatState,
} from "../../../src/mcp/poker-seat.ts";

const turn = (request_id: string): TurnRequest =>
  ({
    request_id,
    seat: 0,
    timeout_ms: 30_000,
    deadline_ts: 0,
    valid_actions: ["fold", "call", "raise"],
    state: { min_raise: 40, max_raise: 2000 },
  }) as TurnRequest;

/** A seat at seat 0 with turn `r_1` open and its answer waiting for the server's word. */
function waiting(): { seat: Seat; past: PastTurns; answers: ActResult[] } {
  const seat = newSeat("m1", "house");
  seat.seat = 0;
  seat.turn = { request: turn("r_1"), decide: () => {} };
  const answers: ActResult[] = [];
  seat.confirm = { requestId: "r_1", resolve: (r) => answers.push(r) };
  return { seat, past: new Map(), answers };
}

const turnResult = (seat: number, is_timeout: boolean) => ({
  type: "turn_result",
  seat,
  details: { action: "call", amount: 10, pot: 40, stacks: [1980, 1980], is_timeout },
});

describe("a seat's frames", () => {
  it("settles the waiting answer with its own turn_result, not the opponent's", () => {
    const { seat, past, answers } = waiting();
    seatFrame(seat, turnResult(1, false), past);
    expect(answers).toEqual([]);
    expect(seat.stacks).toEqual([1980, 1980]);
    seatFrame(seat, turnResult(0, false), past);
    expect(answers).toEqual([{ applied: true, action: "call", amount: 10, pot: 40 }]);
    expect(seat.confirm).toBeNull();
  });

  it("closes the open turn when the clock ran out, remembering it timed out", () => {
    const { seat, past, answers } = waiting();
    seatFrame(seat, turnResult(0, true), past);
    expect(seat.turn).toBeNull();
    expect(past.get("r_1")).toBe("timed out");
    expect(answers[0]).toMatchObject({ applied: false });
  });

  it("settles on the rejection of that answer only", () => {
    const { seat, past, answers } = waiting();
    seatFrame(seat, { type: "action_rejected", request_id: "r_0", reason: "x" }, past);
    expect(answers).toEqual([]);
    seatFrame(seat, { type: "action_rejected", request_id: "r_1", reason: "late" }, past);
    expect(answers).toEqual([{ applied: false, reason: "late" }]);
  });

  it("keeps the hand and stacks, and at most MAX_EVENTS lines of narration", () => {
    const seat = newSeat("m1", null);
    const past: PastTurns = new Map();
    for (let hand = 1; hand <= MAX_EVENTS + 5; hand++) {
      seatFrame(
        seat,
        {
          type: "round_start",
          state: {
            hand_number: hand,
            dealer_seat: 0,
            your_hole_cards: ["As", "Kd"],
            stacks: [hand, 0],
          },
        },
        past,
      );
    }
    expect(seat.hand).toBe(MAX_EVENTS + 5);
    expect(seat.events).toHaveLength(MAX_EVENTS);
    expect(seat.events.at(-1)).toContain(`Hand ${MAX_EVENTS + 5}`);
    seatFrame(
      seat,
      {
        type: "round_result",
        result: { hand_number: 1, payouts: [], showdown: [], stacks: [7, 8] },
      },
      past,
    );
    expect(seat.stacks).toEqual([7, 8]);
  });

  it("expires an open turn when the match ends", () => {
    const { seat, past, answers } = waiting();
    expect(seatState(seat)).toBe("your_turn");
    expireSeat(seat, past);
    expect(past.get("r_1")).toBe("timed out");
    expect(answers).toEqual([{ applied: false, reason: "the match ended" }]);
    expect(seatState(seat)).toBe("playing");
  });
});

describe("an agent's answer", () => {
  it("passes legal actions and raises within bounds", () => {
    expect(checkDecision(turn("r"), "call")).toEqual({ action: "call" });
    expect(checkDecision(turn("r"), "raise", 40)).toEqual({ action: "raise", amount: 40 });
    expect(checkDecision(turn("r"), "call", 99)).toEqual({ action: "call" });
  });

  it("refuses illegal actions and raise amounts missing, fractional or out of bounds", () => {
    expect(() => checkDecision(turn("r"), "check")).toThrow(/not legal now/);
    expect(() => checkDecision(turn("r"), "raise")).toThrow(/raise needs amount/);
    for (const amount of [39, 2001, 50.5]) {
      expect(() => checkDecision(turn("r"), "raise", amount)).toThrow(/40 to 2000/);
    }
  });

  it("explains a turn that is over or unknown", () => {
    const past: PastTurns = new Map([
      ["a", "answered"],
      ["t", "timed out"],
    ]);
    expect(noOpenTurn(past, "a").message).toMatch(/already answered/);
    expect(noOpenTurn(past, "t").message).toMatch(/clock ran out/);
    expect(noOpenTurn(past, "x").message).toMatch(/no open turn/);
  });
});
