// Proves whole matches over real loopback sockets against the real Worker (Node `ws`, raw
// JSON, the token in Sec-WebSocket-Protocol as the SDKs send it): two scripted bots play to
// match_end through an illegal action and its retry, a duplicate dial, a drop and reconnect
// mid-turn and an oversized frame; a reconnect after the grace period is refused and the
// seat forfeits; a remote bot plays a house bot to match_end.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createBotWithToken, type Gateway, startGateway } from "../harness/gateway.ts";
import { HANG_MS } from "../harness/until.ts";
import { type Frame, TestSocket } from "../harness/ws-client.ts";

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.close();
});

interface Seat {
  seat: number;
  participant_id: string;
  gateway_ws_url: string | null;
}
interface Dispatched {
  match_id: string;
  seats: Seat[];
}

let counter = 0;
async function bot(name: string) {
  counter += 1;
  return createBotWithToken(gateway, `${name}-${counter}-${Date.now()}`);
}

async function dispatch(bots: string[], config: Record<string, unknown>): Promise<Dispatched> {
  const res = await api(gateway, "POST", "/api/matches", { body: { bots, config } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Dispatched;
}

/** Dials a seat the way the SDKs do and runs the handshake; returns the socket after hello. */
async function dial(match: Dispatched, seat: number, token: string): Promise<TestSocket> {
  const path = match.seats[seat]?.gateway_ws_url ?? "";
  const socket = await TestSocket.open(gateway.wsUrl(path), {
    protocols: ["chipzen-bot-token", token],
  });
  expect(socket.protocol).toBe("chipzen-bot-token");
  socket.send({ type: "authenticate", match_id: match.match_id, token: "" });
  expect(await socket.next(HANG_MS, "the server hello")).toMatchObject({ type: "hello", seq: 1 });
  socket.send({
    type: "hello",
    match_id: match.match_id,
    supported_versions: ["1.0"],
    client_name: "e2e",
  });
  return socket;
}

function answer(socket: TestSocket, matchId: string, turn: Frame, action?: string): void {
  const valid = turn.valid_actions as string[];
  const chosen = action ?? (valid.includes("check") ? "check" : "call");
  socket.send({
    type: "turn_action",
    match_id: matchId,
    request_id: turn.request_id,
    action: chosen,
    params: {},
  });
}

/** Plays check/call until match_end, asserting strictly increasing seq on the way. */
async function playOut(socket: TestSocket, matchId: string, lastSeq = 0): Promise<Frame> {
  let seq = lastSeq;
  for (;;) {
    const frame = await socket.next(HANG_MS, "a frame while playing");
    expect(frame.seq as number).toBeGreaterThan(seq);
    seq = frame.seq as number;
    if (frame.type === "turn_request") answer(socket, matchId, frame);
    if (frame.type === "match_end") return frame;
  }
}

describe("full matches over real sockets", () => {
  it("plays two scripted bots to match_end through a rejection, a duplicate dial, a drop and an oversized frame", async () => {
    const alpha = await bot("alpha");
    const bravo = await bot("bravo");
    const match = await dispatch([alpha.botId, bravo.botId], {
      hand_cap: 6,
      turn_timeout_ms: 10_000,
    });
    let a = await dial(match, 0, alpha.token);
    const b = await dial(match, 1, bravo.token);
    const bravoDone = playOut(b, match.match_id);

    // Turn 1 (seat 0 opens preflop): all_in is rejected, the retry with the same id is accepted.
    const first = await a.nextOfType("turn_request", HANG_MS);
    a.send({
      type: "turn_action",
      match_id: match.match_id,
      request_id: first.request_id,
      action: "all_in",
      params: {},
    });
    const rejected = await a.nextOfType("action_rejected");
    expect(rejected).toMatchObject({
      request_id: first.request_id,
      submitted_action: "all_in",
      valid_actions: ["fold", "call", "raise"],
    });
    answer(a, match.match_id, first, "call");
    expect(await a.nextOfType("turn_result")).toMatchObject({
      seat: 0,
      details: { action: "call" },
    });

    // A duplicate dial for the live seat is refused; the live socket is unaffected.
    const dup = await TestSocket.open(gateway.wsUrl(match.seats[0]?.gateway_ws_url ?? ""), {
      protocols: ["chipzen-bot-token", alpha.token],
    });
    dup.send({ type: "authenticate", match_id: match.match_id, token: "" });
    expect(await dup.next(HANG_MS, "the refusal")).toMatchObject({
      type: "error",
      seq: 1,
      code: "duplicate_participant",
    });
    expect((await dup.closed()).code).toBe(4011);

    // Next turn of seat 0: the connection drops without a close handshake, then comes back.
    const second = await a.nextOfType("turn_request", HANG_MS);
    a.cut();
    a = await dial(match, 0, alpha.token);
    const resent = await a.nextOfType("turn_request", HANG_MS);
    expect(resent.request_id).toBe(second.request_id);
    expect(resent.seq as number).toBeGreaterThan(second.seq as number);
    expect(resent.state).toEqual(second.state);

    // An oversized frame: error then 4008; the bot dials again and the same turn is re-sent.
    a.send({
      type: "turn_action",
      match_id: match.match_id,
      request_id: resent.request_id,
      action: "call",
      pad: "x".repeat(5000),
    });
    expect(await a.nextOfType("error")).toMatchObject({ code: "message_too_large" });
    expect((await a.closed()).code).toBe(4008);
    a = await dial(match, 0, alpha.token);
    const again = await a.nextOfType("turn_request", HANG_MS);
    expect(again.request_id).toBe(second.request_id);
    answer(a, match.match_id, again);

    const endA = await playOut(a, match.match_id, again.seq as number);
    const endB = await bravoDone;
    expect(endA).toMatchObject({
      reason: "complete",
      terminal_status: "completed",
      mode: "elimination",
    });
    expect(endB.results).toEqual(endA.results);
    const errors = (endA.results as { bot_errors: { code: string }[] }[])[0]?.bot_errors.map(
      (e) => e.code,
    );
    expect(errors).toEqual(expect.arrayContaining(["invalid_action", "message_too_large"]));
    expect((await a.closed()).code).toBe(1000);
    expect((await b.closed()).code).toBe(1000);
  });

  it("refuses a reconnect after the grace period and awards the match to the seat that stayed", async () => {
    const alpha = await bot("alpha");
    const bravo = await bot("bravo");
    const match = await dispatch([alpha.botId, bravo.botId], {
      reconnect_grace_ms: 1500,
      turn_timeout_ms: 10_000,
    });
    const a = await dial(match, 0, alpha.token);
    const b = await dial(match, 1, bravo.token);
    await a.nextOfType("turn_request", HANG_MS);
    a.cut();
    const end = await b.nextOfType("match_end", HANG_MS);
    expect(end).toMatchObject({
      forfeit_seat: 0,
      forfeit_winner_seat: 1,
      forfeit_reason: "grace_expired",
    });
    expect((await b.closed()).code).toBe(1000);
    const late = await TestSocket.open(gateway.wsUrl(match.seats[0]?.gateway_ws_url ?? ""), {
      protocols: ["chipzen-bot-token", alpha.token],
    });
    late.send({ type: "authenticate", match_id: match.match_id, token: "" });
    expect(await late.next(HANG_MS, "the refusal")).toMatchObject({
      type: "error",
      seq: 1,
      code: "grace_expired",
    });
    expect((await late.closed()).code).toBe(4011);
  });

  it("plays a remote bot against a house bot to match_end", async () => {
    const remote = await bot("remote");
    const match = await dispatch([remote.botId, "house-hand-strength"], {
      hand_cap: 5,
      house_think_ms: 20,
    });
    const socket = await dial(match, 0, remote.token);
    const end = await playOut(socket, match.match_id);
    expect(end).toMatchObject({ reason: "complete", terminal_status: "completed" });
    expect((await socket.closed()).code).toBe(1000);
    const record = await api(gateway, "GET", `/api/matches/${match.match_id}`);
    expect(record.body).toMatchObject({ match_id: match.match_id });
  });
});
