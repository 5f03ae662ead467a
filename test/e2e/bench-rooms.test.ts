// Proves the channel benchmarks compare like with like: the lean clients of bench/rooms.ts
// speak each room's wire format correctly — against a real botgate channel, both minimal
// partyserver rooms (one also served as botgate is, with its handshake's frames) and the
// minimal socket.io room — so a post is acked to its sender, delivered exactly once to every
// other socket and never echoed, and every socket answers a WebSocket ping (the idle suite's
// liveness check).
import { describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { playFloor, startFloor } from "../../bench/floor/client.ts";
import {
  answersPing,
  botgateChannel,
  partyserverRoom,
  type Room,
  socketioRoom,
} from "../../bench/rooms.ts";
import { HANG_MS } from "../harness/until.ts";

/** Collects what one socket received, classified by the room's wire. */
function listen(room: Room, ws: WebSocket) {
  const got = { deliveries: [] as string[], acks: [] as string[] };
  ws.on("message", (data) => {
    const text = data.toString();
    if (room.wire.isDelivery(text)) got.deliveries.push(text);
    const id = room.wire.ackId(text);
    if (id !== null) got.acks.push(id);
    const reply = room.wire.reply(text);
    if (reply !== null) ws.send(reply);
  });
  return got;
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + HANG_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each([
  ["a botgate channel", botgateChannel],
  ["the hibernating partyserver room", () => partyserverRoom("room")],
  ["the in-memory partyserver room", () => partyserverRoom("memory-room")],
  // Its sockets open through botgate's handshake frames (room.open resolves on caught_up).
  ["the hibernating partyserver room served as botgate", () => partyserverRoom("room", true)],
  ["the socket.io room", socketioRoom],
])("the benchmark client against %s", (_name, start) => {
  it("gets an ack for a post and one delivery on every other socket", async () => {
    const room = await start();
    const sockets: WebSocket[] = [];
    try {
      for (let i = 0; i < 3; i += 1) sockets.push(await room.open(i));
      const [poster, ...others] = sockets.map((ws) => listen(room, ws));
      sockets[0]?.send(room.wire.post("p1", { n: 1 }));
      sockets[0]?.send(room.wire.post("p2", { n: 2 }));
      await waitFor(
        () => poster?.acks.length === 2 && others.every((o) => o.deliveries.length === 2),
        "the acks and deliveries",
      );
      expect(poster?.acks).toEqual(["p1", "p2"]);
      expect(poster?.deliveries).toEqual([]);
      for (const other of others) expect(other.acks).toEqual([]);
      expect(await Promise.all(sockets.map(answersPing))).toEqual([true, true, true]);
      expect(room.rssKb()).toBeGreaterThan(0);
    } finally {
      for (const ws of sockets) ws.terminate();
      await room.close();
    }
  });
});

// The floor of the match suite (bench/floor) does what its method says: each frame is one
// row written, then one frame on the room's other socket (or the protocol's three frames a
// turn), and the client times every one.
describe("the match benchmark's floor", () => {
  it("writes one row per frame and answers on the other socket", async () => {
    const floor = await startFloor();
    try {
      const run = await playFloor(floor.wsUrl, "check", 25, 30_000);
      expect(run.events).toBe(25);
      expect(run.rttMs).toHaveLength(25);
      expect(run.frames).toBe(25);
      expect(await floor.rows("check")).toBe(25);
    } finally {
      await floor.close();
    }
  });

  it("sends the match protocol's three frames a turn when asked, still one row each", async () => {
    const floor = await startFloor();
    try {
      const run = await playFloor(floor.wsUrl, "check-3", 25, 30_000, {}, 3);
      expect(run.events).toBe(25);
      expect(run.rttMs).toHaveLength(25);
      // A turn_result to both sockets and the answer-me frame; the last turn's copy to the
      // socket that answered may still be on its way when the run stops.
      expect(run.frames).toBeGreaterThanOrEqual(3 * 25 - 1);
      expect(await floor.rows("check-3")).toBe(25);
    } finally {
      await floor.close();
    }
  });
});
