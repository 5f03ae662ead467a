// Proves the bad-input rules of §5.10/§5.11 on a live turn: action_rejected with every
// field and a legal retry, silent drops of stale/duplicate/unsolicited answers, the error
// frames malformed_message and unknown_field, the auto-action for a non-JSON turn reply,
// binary frames, the 4096-byte limit (4008), 5 invalid actions per hand and the rate limit.
import { describe, expect, it } from "vitest";
import type { MatchConfigInput } from "../../src/match/config";
import { RATE_WINDOW_MS } from "../../src/match/limits";
import { HANG_MS } from "../harness/until";
import {
  connectSeat,
  type Frame,
  inspect,
  stored,
  storedAnswers,
  type TestSocket,
  twoBotMatch,
} from "./match-harness";

async function started(config: MatchConfigInput = {}) {
  const { alpha, bravo, match } = await twoBotMatch({ turn_timeout_ms: 30_000, ...config });
  const a = await connectSeat(match, 0, alpha.token);
  const b = await connectSeat(match, 1, bravo.token);
  const turn = await a.nextOf("turn_request");
  const action = (request_id: unknown, action: string, params?: object) => ({
    type: "turn_action",
    match_id: match.match_id,
    request_id,
    action,
    ...(params ? { params } : {}),
  });
  return { match, alpha, a, b, turn, action };
}

describe("turn_action validation", () => {
  it("rejects all_in with every action_rejected field, then accepts the legal retry", async () => {
    const { a, b, turn, action } = await started();
    const before = Date.now();
    a.send(action(turn.request_id, "all_in", {}));
    const rejected = await a.next("action_rejected");
    const after = Date.now();
    const message = "Action 'all_in' is not valid. Valid actions: ['fold', 'call', 'raise']";
    expect(rejected).toEqual({
      type: "action_rejected",
      match_id: turn.match_id,
      seq: (turn.seq as number) + 1,
      server_ts: expect.any(String),
      request_id: turn.request_id,
      reason: message,
      message,
      details: { valid_actions: ["fold", "call", "raise"] },
      submitted_action: "all_in",
      remaining_ms: expect.any(Number),
      valid_actions: ["fold", "call", "raise"],
    });
    // The time left on the turn's clock at some moment between the send and the answer.
    const deadline = turn.deadline_ts as number;
    expect(rejected.remaining_ms as number).toBeLessThanOrEqual(deadline - before);
    expect(rejected.remaining_ms as number).toBeGreaterThanOrEqual(deadline - after);
    // A raise far above the stack is clamped to max_raise, not rejected (§6.6).
    a.send(action(turn.request_id, "raise", { amount: 99_999 }));
    const result = await a.next("turn_result");
    expect(result).toMatchObject({
      type: "turn_result",
      seat: 0,
      details: { action: "raise", amount: 2000, is_timeout: false },
    });
    expect((await b.nextOf("turn_result")).details).toMatchObject({
      action: "raise",
      amount: 2000,
    });
  });

  it("rejects a raise without an amount and a wrong request_id, keeping the turn open", async () => {
    const { a, turn, action } = await started();
    a.send(action(turn.request_id, "raise"));
    expect(await a.next("rejection")).toMatchObject({
      type: "action_rejected",
      submitted_action: "raise",
    });
    a.send(action("req_000000000000", "call"));
    const wrong = await a.next("rejection");
    expect(wrong).toMatchObject({
      type: "action_rejected",
      request_id: turn.request_id,
      submitted_action: "call",
    });
    a.send(action(turn.request_id, "call"));
    expect(await a.next("turn_result")).toMatchObject({
      type: "turn_result",
      details: { action: "call" },
    });
  });

  it("drops a duplicate answer to a resolved request and an unsolicited one", async () => {
    const { a, b, turn, action } = await started();
    a.send(action(turn.request_id, "call"));
    a.send(action(turn.request_id, "fold"));
    const mine = await a.next("turn_result");
    expect(mine).toMatchObject({ details: { action: "call" } });
    const turnB = await b.nextOf("turn_request");
    // Seat 0 answers out of turn with its old id and with B's id: both dropped silently.
    a.send(action(turn.request_id, "raise", { amount: 100 }));
    a.send(action(turnB.request_id, "check"));
    b.send(action(turnB.request_id, "check"));
    expect((await b.next("B's turn_result")).details).toMatchObject({ action: "check" });
    // A's next frame is B's result, one seq on: no answer of any kind was sent in between.
    expect(await a.next("B's turn_result at A")).toMatchObject({
      type: "turn_result",
      seat: 1,
      seq: (mine.seq as number) + 1,
    });
    const answers = await storedAnswers(turn.match_id as string);
    expect(answers.filter((x) => x.request_id === turn.request_id)).toHaveLength(1);
  });

  it("sends unknown_field and malformed_message on the seat counter and keeps the turn", async () => {
    const { a, turn, action } = await started();
    a.send({ ...action(turn.request_id, "call"), extra: true });
    const unknown = await a.next("unknown_field");
    expect(unknown).toMatchObject({
      type: "error",
      code: "unknown_field",
      seq: (turn.seq as number) + 1,
    });
    expect(unknown.message).toContain("extra");
    a.send({ type: "turn_action", match_id: turn.match_id, action: "call" });
    expect(await a.next("malformed")).toMatchObject({
      type: "error",
      code: "malformed_message",
      seq: (turn.seq as number) + 2,
    });
    a.send({ type: "dance", match_id: turn.match_id });
    expect(await a.next("unknown type")).toMatchObject({
      type: "error",
      code: "malformed_message",
    });
    a.send({ type: "pong", match_id: turn.match_id });
    a.send({ type: "pong" });
    // The pongs are ignored: the next frame is the turn_result, with the next seq.
    a.send(action(turn.request_id, "call"));
    expect(await a.next("turn_result")).toMatchObject({
      type: "turn_result",
      seq: (turn.seq as number) + 4,
    });
  });

  it("applies the auto-action at once when the turn reply is not JSON", async () => {
    const { a, turn } = await started();
    a.send("this is not json");
    // Facing the big blind, check is not legal: the auto-action folds.
    expect(await a.next("turn_result")).toMatchObject({
      type: "turn_result",
      seq: (turn.seq as number) + 1,
      details: { action: "fold", is_timeout: true },
    });
  });

  it("treats a binary frame like a non-JSON text frame", async () => {
    const { a, b } = await started();
    a.ws.send(new Uint8Array([123, 125]));
    expect(await a.next("turn_result")).toMatchObject({
      details: { action: "fold", is_timeout: true },
    });
    // Hand 2: seat 1 deals and acts first, so seat 0 has no pending turn.
    await b.nextOf("turn_request");
    a.ws.send(new Uint8Array([123, 125]));
    expect(await a.nextOf("error")).toMatchObject({ code: "malformed_message" });
  });

  it("answers non-JSON outside a pending turn with malformed_message", async () => {
    const { b } = await started();
    b.send("[1, 2]");
    expect(await b.nextOf("error")).toMatchObject({ code: "malformed_message" });
  });

  it("closes 4008 after message_too_large for a frame over 4096 bytes", async () => {
    const { a, b, turn, action } = await started();
    a.send({ ...action(turn.request_id, "call"), pad: "x".repeat(4100) });
    const error = await a.next("message_too_large");
    expect(error).toMatchObject({
      type: "error",
      code: "message_too_large",
      seq: (turn.seq as number) + 1,
    });
    expect(await a.closed()).toEqual({ code: 4008, reason: "message_too_large" });
    // The seat is away now; its opponent keeps playing.
    expect(b.closeEvent).toBeNull();
  });

  it("counts the 4096-byte limit in UTF-8 bytes", async () => {
    const { a, turn, action } = await started();
    // 1500 three-byte characters: 1500 UTF-16 units but 4500 bytes.
    a.send({ ...action(turn.request_id, "call"), pad: "€".repeat(1500) });
    expect(await a.next("message_too_large")).toMatchObject({ code: "message_too_large" });
    expect((await a.closed()).code).toBe(4008);
  });

  it("ends the turn with the auto-action on the fifth invalid action of a hand", async () => {
    const { match, a, turn, action } = await started();
    for (let i = 1; i <= 4; i++) {
      a.send(action(turn.request_id, "bet", { amount: 50 }));
      expect(await a.next(`rejection ${i}`)).toMatchObject({ type: "action_rejected" });
    }
    a.send(action(turn.request_id, "bet", { amount: 50 }));
    expect(await a.next("auto-action")).toMatchObject({
      type: "turn_result",
      details: { action: "fold", is_timeout: true },
    });
    const errors = await inspect<{ code: string }>(
      match.match_id,
      "SELECT code FROM bot_errors WHERE seat = 0 ORDER BY id",
    );
    const codes = errors.map((e) => e.code);
    expect(codes).toEqual([
      "invalid_action",
      "invalid_action",
      "invalid_action",
      "invalid_action",
      "invalid_action_limit",
    ]);
  });
});

describe("rate limit", () => {
  it("drops a turn reply over 10 messages per second and applies the auto-action", async () => {
    const { a, turn, action } = await started();
    for (let i = 0; i < 10; i++) a.send({ type: "pong", match_id: turn.match_id });
    a.send(action(turn.request_id, "call"));
    expect(await a.next("auto-action")).toMatchObject({
      details: { action: "fold", is_timeout: true },
    });
  });

  it("closes 4009 on the fifth violation, counting across a reconnect", async () => {
    const { match, alpha, a } = await started({ max_messages_per_second: 2 });
    const violations = async () => (await stored(match.match_id)).seats[0]?.rate_violations ?? 0;
    // Bursts over the limit until the stored count reaches `target` (or the socket is closed):
    // a one-second window counts at most one violation, so each one waits for a new window.
    let lastSent = 0;
    const violate = async (socket: TestSocket, target: number) => {
      const deadline = Date.now() + HANG_MS;
      while (!socket.closeEvent && (await violations()) < target) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for violation ${target}`);
        for (let i = 0; i < 3; i++) socket.send({ type: "pong" });
        lastSent = Date.now();
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await violate(a, 2);
    const before = await violations();
    expect(before).toBe(2);
    expect(a.closeEvent).toBeNull();
    a.close();
    await a.closed();
    // Here the clock is the input: the re-dial's authenticate and hello count against the
    // seat's window too, so it waits until the window of the last burst is over.
    await new Promise((r) => setTimeout(r, lastSent + RATE_WINDOW_MS + 200 - Date.now()));
    const again = await connectSeat(match, 0, alpha.token);
    expect((await again.nextOf("turn_request")).type).toBe("turn_request");
    expect(await violations()).toBe(before);
    await violate(again, 5);
    expect(await again.closed()).toEqual({ code: 4009, reason: "rate_limit_exceeded" });
    expect(await violations()).toBe(5);
    // The executor's policy in a match: no rate_limited frames (§5.10).
    expect(again.frames.filter((f: Frame) => f.type === "error")).toEqual([]);
  });
});
