// Proves reconnection (§5.9, §9 items 6, 7 and 12) through the Worker: the same request_id
// re-sent with the time left and a new seq, the clock paused only on the first drop,
// duplicate_participant without a budget charge, forfeit on grace expiry and on an
// exhausted budget with the refusals that follow, all seats gone, and that all of it holds
// across an eviction (hibernation) and an object restart, with the match played to its end.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { MatchConfigInput } from "../../src/match/config";
import {
  api,
  connectSeat,
  fireAlarm,
  handshake,
  playPassively,
  seatPath,
  stored,
  stub,
  TestSocket,
  twoBotMatch,
} from "./match-harness";

async function started(config: MatchConfigInput = {}) {
  const { alpha, bravo, match } = await twoBotMatch({ turn_timeout_ms: 30_000, ...config });
  const a = await connectSeat(match, 0, alpha.token);
  const b = await connectSeat(match, 1, bravo.token);
  const turn = await a.nextOf("turn_request");
  await b.nextOf("round_start");
  return { alpha, bravo, match, a, b, turn };
}

/** Closes a seat's socket and waits until the match object has seen it go. */
async function drop(socket: TestSocket, matchId: string, seat: number): Promise<void> {
  socket.close();
  await socket.closed();
  const deadline = Date.now() + 15_000;
  for (;;) {
    const row = (await stored(matchId)).seats.find((s) => s.seat === seat);
    if (row?.conn === null) return;
    if (Date.now() > deadline) throw new Error(`seat ${seat} still bound after its socket closed`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("reconnect", () => {
  it("re-sends the pending turn_request with the same request_id, the time left and a new seq", async () => {
    const { alpha, match, a, turn } = await started();
    const lastSeq = turn.seq as number;
    await drop(a, match.match_id, 0);
    const paused = (await stored(match.match_id)).turns.find((t) => t.seat === 0);
    await sleep(1000); // time away, which must not count against the turn
    const again = await TestSocket.open(seatPath(match, 0), { token: alpha.token });
    const hello = await handshake(again, match.match_id);
    expect(hello).toMatchObject({ type: "hello", seq: 1, capabilities: ["reconnect"] });
    const resent = await again.next("re-sent turn_request");
    expect(resent).toMatchObject({
      type: "turn_request",
      seq: lastSeq + 1,
      request_id: turn.request_id,
      valid_actions: turn.valid_actions,
      state: turn.state,
    });
    // First drop: the clock was paused while the seat was away, and restarts with what was
    // left (give or take the millisecond between setting the deadline and stamping the frame;
    // a clock left running would have lost the second away).
    const timeout = resent.timeout_ms as number;
    const left = paused?.paused_remaining ?? 0;
    expect(timeout).toBeLessThanOrEqual(left);
    expect(left - timeout).toBeLessThan(1000);
    expect(resent.turn_duration_ms).toBe(timeout);
    expect(resent.deadline_ts).toBe(Date.parse(resent.server_ts as string) + timeout);
    expect(again.unread.map((f) => f.type)).not.toContain("match_start");
    again.send({
      type: "turn_action",
      match_id: match.match_id,
      request_id: turn.request_id,
      action: "call",
    });
    expect(await again.next("turn_result")).toMatchObject({
      seq: lastSeq + 2,
      seat: 0,
      details: { action: "call" },
    });
    const seat = (await stored(match.match_id)).seats[0];
    expect({ reconnects: seat?.reconnects, drops: seat?.drops }).toEqual({
      reconnects: 1,
      drops: 1,
    });
  });

  it("keeps the clock running on a later drop, auto-acts, and re-sends nothing expired", async () => {
    const { alpha, match, a, b, turn } = await started();
    await drop(a, match.match_id, 0);
    const back = await connectSeat(match, 0, alpha.token);
    expect((await back.next("re-sent")).request_id).toBe(turn.request_id);
    await drop(back, match.match_id, 0);
    const row = (await stored(match.match_id)).turns.find((t) => t.seat === 0);
    expect(row?.paused_remaining).toBeNull();
    expect(row?.deadline).toBeGreaterThan(Date.now());
    // The alarm's earliest deadline is that running turn, before the grace period.
    expect(await fireAlarm(match.match_id)).toBe(true);
    expect(await b.nextOf("turn_result")).toMatchObject({
      seat: 0,
      details: { action: "fold", is_timeout: true },
    });
    const third = await connectSeat(match, 0, alpha.token);
    await sleep(100);
    expect(third.unread.map((f) => f.type)).not.toContain("turn_request");
  });

  it("refuses a second connection to a live seat with duplicate_participant, seq 1, 4011", async () => {
    const { alpha, match, a, turn } = await started();
    const dup = await TestSocket.open(seatPath(match, 0), { token: alpha.token });
    dup.send({ type: "authenticate", match_id: match.match_id, token: "" });
    expect(await dup.next("refusal")).toEqual({
      type: "error",
      match_id: match.match_id,
      seq: 1,
      server_ts: expect.any(String),
      code: "duplicate_participant",
      message: expect.any(String),
    });
    expect(await dup.closed()).toEqual({ code: 4011, reason: "server_error" });
    // The live socket plays on, and no reconnection was charged.
    a.send({
      type: "turn_action",
      match_id: match.match_id,
      request_id: turn.request_id,
      action: "call",
    });
    expect(await a.next("turn_result")).toMatchObject({
      type: "turn_result",
      seq: (turn.seq as number) + 1,
    });
    expect((await stored(match.match_id)).seats[0]?.reconnects).toBe(0);
  });

  it("forfeits a seat whose grace expires; its later dial gets grace_expired and 4011", async () => {
    const { alpha, match, a, b } = await started({ reconnect_grace_ms: 30_000 });
    await drop(a, match.match_id, 0);
    const { schedule, seats } = await stored(match.match_id);
    expect(schedule["grace:0"]).toBe((seats[0]?.disconnected_at ?? 0) + 30_000);
    // A's clock is paused, so the grace deadline is the earliest.
    expect(await fireAlarm(match.match_id)).toBe(true);
    const end = await b.nextOf("match_end");
    expect(end).toMatchObject({
      reason: "complete",
      terminal_status: "completed",
      forfeit_seat: 0,
      forfeit_winner_seat: 1,
      forfeit_reason: "grace_expired",
      total_hands_played: 0,
      finishing_order: [
        { place: 1, seat: 1, name: expect.any(String) },
        { place: 2, seat: 0, name: expect.any(String) },
      ],
    });
    // The voided hand: stacks as before it was dealt.
    expect((end.results as { final_stack: number }[]).map((r) => r.final_stack)).toEqual([
      2000, 2000,
    ]);
    expect((await b.closed()).code).toBe(1000);
    const late = await TestSocket.open(seatPath(match, 0), { token: alpha.token });
    late.send({ type: "authenticate", match_id: match.match_id, token: "" });
    expect(await late.next("refusal")).toMatchObject({
      type: "error",
      seq: 1,
      code: "grace_expired",
    });
    expect((await late.closed()).code).toBe(4011);
    const record = await api("GET", `/api/matches/${match.match_id}`);
    expect(record.json).toMatchObject({ status: "completed" });
  });

  it("forfeits at once on a drop past the budget; a later dial gets budget_exhausted", async () => {
    const { alpha, match, a, b } = await started({ reconnect_budget: 1 });
    await drop(a, match.match_id, 0);
    const back = await connectSeat(match, 0, alpha.token);
    await back.nextOf("turn_request");
    await drop(back, match.match_id, 0);
    expect(await b.nextOf("match_end")).toMatchObject({
      forfeit_seat: 0,
      forfeit_reason: "budget_exhausted",
    });
    const late = await TestSocket.open(seatPath(match, 0), { token: alpha.token });
    late.send({ type: "authenticate", match_id: match.match_id, token: "" });
    expect(await late.next("refusal")).toMatchObject({
      type: "error",
      seq: 1,
      code: "budget_exhausted",
    });
    expect((await late.closed()).code).toBe(4011);
  });

  it("ends as all-disconnected when every seat is gone past its grace", async () => {
    const { match, a, b } = await started();
    await Promise.all([drop(a, match.match_id, 0), drop(b, match.match_id, 1)]);
    expect(await fireAlarm(match.match_id)).toBe(true);
    let meta: { status: string; outcome: string | null } | undefined;
    for (const deadline = Date.now() + 15_000; meta?.status !== "ended"; ) {
      if (Date.now() > deadline) throw new Error(`match still ${meta?.status}`);
      if (meta) await sleep(20);
      meta = (await stored(match.match_id)).meta;
    }
    expect(meta?.status).toBe("ended");
    const outcome = JSON.parse(meta?.outcome ?? "{}") as {
      status: string;
      match_end: Record<string, unknown>;
    };
    expect(outcome.status).toBe("error");
    expect(outcome.match_end).toMatchObject({
      terminal_status: "error",
      all_disconnected: true,
      simultaneous_disconnect: true,
      error_message: expect.any(String),
    });
  });
});

describe("reconnect across eviction and restart", () => {
  it("completes the match after an eviction mid-turn, re-sending the same request_id", async () => {
    const { alpha, match, a, b, turn } = await started({ hand_cap: 2 });
    await evictDurableObject(stub(match.match_id));
    // The hibernated sockets survive: the pending turn is still answerable...
    await drop(a, match.match_id, 0);
    await evictDurableObject(stub(match.match_id));
    // ...and after a drop and another eviction the reconnect gets the very same request.
    const back = await connectSeat(match, 0, alpha.token);
    const resent = await back.next("re-sent turn_request");
    expect(resent).toMatchObject({ request_id: turn.request_id, seq: (turn.seq as number) + 1 });
    back.send({
      type: "turn_action",
      match_id: match.match_id,
      request_id: turn.request_id,
      action: "call",
    });
    const [endA, endB] = await Promise.all([
      playPassively(back, match.match_id),
      playPassively(b, match.match_id),
    ]);
    expect(endA).toMatchObject({ reason: "complete", total_hands_played: 2 });
    expect(endB.results).toEqual(endA.results);
  });

  it("completes the match after an object restart mid-turn, re-sending the same request_id", async () => {
    const { alpha, bravo, match, a, b, turn } = await started({ hand_cap: 2 });
    await runInDurableObject(stub(match.match_id), (_instance, state) => {
      try {
        state.abort("restart");
      } catch {
        // abort() throws in the aborted object by design
      }
    }).catch(() => undefined);
    // The restart closes every socket: both bots dial again.
    await a.closed();
    await b.closed();
    const a2 = await connectSeat(match, 0, alpha.token);
    const b2 = await connectSeat(match, 1, bravo.token);
    const resent = await a2.next("re-sent turn_request");
    expect(resent).toMatchObject({
      type: "turn_request",
      request_id: turn.request_id,
      seq: (turn.seq as number) + 1,
    });
    a2.send({
      type: "turn_action",
      match_id: match.match_id,
      request_id: turn.request_id,
      action: "call",
    });
    const [endA] = await Promise.all([
      playPassively(a2, match.match_id),
      playPassively(b2, match.match_id),
    ]);
    expect(endA).toMatchObject({ reason: "complete", total_hands_played: 2 });
  });
});
