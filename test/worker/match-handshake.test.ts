// Proves the handshake and connection-wait timers of §5.1/§5.2 on the alarm: 4007 when
// authenticate or the client hello is late, 4013 for no common version, the lenient
// authenticate/hello shapes of §9, and the cancelled match_end when a seat never shows up.
import { describe, expect, it } from "vitest";
import {
  connectSeat,
  fireAlarm,
  handshake,
  seatPath,
  stored,
  TestSocket,
  twoBotMatch,
} from "./match-harness";

describe("handshake", () => {
  it("closes 4007 when authenticate does not arrive in time", async () => {
    const { alpha, match } = await twoBotMatch();
    const before = Date.now();
    const socket = await TestSocket.open(seatPath(match, 0), { token: alpha.token });
    const keys = Object.entries((await stored(match.match_id)).schedule)
      .filter(([key]) => key.startsWith("auth:"))
      .map(([key, due_at]) => ({ key, due_at }));
    const after = Date.now();
    expect(keys).toHaveLength(1);
    // 5 s after the socket was accepted, which happened between `before` and `after`.
    expect(keys[0]?.due_at).toBeGreaterThanOrEqual(before + 5000);
    expect(keys[0]?.due_at).toBeLessThanOrEqual(after + 5000);
    expect(await fireAlarm(match.match_id)).toBe(true);
    expect(await socket.closed()).toEqual({ code: 4007, reason: "handshake_timeout" });
    expect(socket.frames).toEqual([]);
  });

  it("closes 4007 when the client hello does not follow the server hello in time", async () => {
    const { alpha, match } = await twoBotMatch();
    const socket = await TestSocket.open(seatPath(match, 0), { token: alpha.token });
    socket.send({ type: "authenticate", match_id: match.match_id, token: "" });
    expect((await socket.next("server hello")).type).toBe("hello");
    expect(await fireAlarm(match.match_id)).toBe(true);
    expect((await socket.closed()).code).toBe(4007);
  });

  it("drops anything but authenticate before the handshake starts", async () => {
    const { alpha, match } = await twoBotMatch();
    const socket = await TestSocket.open(seatPath(match, 0), { token: alpha.token });
    socket.send({ type: "hello", match_id: match.match_id, supported_versions: ["1.0"] });
    socket.send("not json");
    socket.send({ type: "authenticate", match_id: match.match_id, token: "" });
    expect(await socket.next("server hello")).toMatchObject({ type: "hello", seq: 1 });
  });

  it("closes 4013 when no version is in common", async () => {
    const { alpha, match } = await twoBotMatch();
    for (const hello of [
      { type: "hello", match_id: match.match_id, supported_versions: ["2.0"] },
      { type: "hello", match_id: match.match_id },
      { type: "hello", match_id: match.match_id, supported_versions: "1.0" },
      "{not json",
      { type: "turn_action", match_id: match.match_id, request_id: "x", action: "fold" },
    ]) {
      const socket = await TestSocket.open(seatPath(match, 0), { token: alpha.token });
      socket.send({ type: "authenticate", match_id: match.match_id, token: "" });
      await socket.next("server hello");
      socket.send(hello);
      expect(await socket.closed()).toEqual({ code: 4013, reason: "protocol_mismatch" });
    }
  });

  it("accepts every authenticate and hello shape the SDKs send (§9 items 2 and 4)", async () => {
    const { alpha, match } = await twoBotMatch();
    const shapes = [
      { type: "authenticate", match_id: match.match_id, token: "" },
      {
        type: "authenticate",
        match_id: match.match_id,
        client_name: "chipzen-sdk-js",
        client_version: "0.3.1",
      },
      { type: "authenticate", match_id: "unknown", token: "whatever" },
      { type: "authenticate" },
      { type: "authenticate", match_id: "", ticket: "t" },
    ];
    for (const authenticate of shapes) {
      const socket = await TestSocket.open(seatPath(match, 0), { token: alpha.token });
      socket.send(authenticate);
      expect((await socket.next("server hello")).type).toBe("hello");
      socket.send({
        type: "hello",
        match_id: match.match_id,
        supported_versions: ["1.0", "2.1"],
        extra: 1,
      });
      // Bound to the seat: no close follows while waiting for the opponent.
      await new Promise((r) => setTimeout(r, 50));
      expect(socket.closeEvent).toBeNull();
      socket.close();
      await socket.closed();
    }
  });
});

describe("connection wait", () => {
  it("cancels the match when a seat never connects, then closes 1000", async () => {
    const { alpha, match } = await twoBotMatch({ connection_wait_ms: 30_000 });
    const a = await connectSeat(match, 0, alpha.token);
    const { schedule, meta } = await stored(match.match_id);
    expect(schedule.wait).toBe(meta.created_at + 30_000);
    // The alarm is armed for the earliest deadline: the handshake deadlines are gone, so the wait.
    expect(await fireAlarm(match.match_id)).toBe(true);
    const end = await a.next("the cancelled match_end");
    expect(end).toEqual({
      type: "match_end",
      match_id: match.match_id,
      seq: 1,
      server_ts: expect.any(String),
      reason: "cancelled",
      error_code: "connection_timeout",
    });
    expect((await a.closed()).code).toBe(1000);
  });

  it("starts the match once the last seat finishes its handshake", async () => {
    const { alpha, bravo, match } = await twoBotMatch();
    const a = await connectSeat(match, 0, alpha.token);
    await new Promise((r) => setTimeout(r, 50));
    expect(a.unread).toEqual([]);
    const b = await TestSocket.open(seatPath(match, 1), { token: bravo.token });
    await handshake(b, match.match_id);
    expect((await a.next("match_start")).type).toBe("match_start");
    expect((await b.next("match_start")).type).toBe("match_start");
    expect((await stored(match.match_id)).schedule.wait).toBeUndefined();
  });
});
