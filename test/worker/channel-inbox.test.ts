// Proves whispers and inboxes inside workerd (agent channels §9): delivered vs queued acks,
// storage until acknowledged by resume, idempotent re-sends, not_found for unknown users or
// machines (nothing stored), expiry after the retention period, and inbox socket rules.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  atTime,
  type Frame,
  inbox,
  join,
  newAgent,
  newChannel,
  type Session,
} from "./channel-agent";

async function sender(): Promise<Session> {
  return join(await newAgent("sender"), await newChannel(), { session: "s" });
}

async function whisper(
  from: Session,
  target: string,
  id: string,
  payload: unknown,
): Promise<Frame> {
  from.socket.send({ type: "whisper", id, target, payload });
  for (;;) {
    const frame = await from.socket.next(`the answer to whisper ${id}`);
    if (frame.id === id) return frame;
  }
}

describe("whisper delivery", () => {
  it("delivers to a connected inbox and says delivered", async () => {
    const from = await sender();
    const target = await newAgent("t");
    const box = await inbox(target, { session: "main" });
    const path = `${target.user}/m1/main`;
    expect(await whisper(from, path, "w1", { q: "status?" })).toEqual({
      type: "whisper_ack",
      id: "w1",
      status: "delivered",
    });
    expect(await box.socket.nextOf("whisper")).toEqual({
      type: "whisper",
      seq: 1,
      ts: expect.any(Number),
      from: String(from.established.path),
      payload: { q: "status?" },
    });
  });

  it("queues for an offline session, replays on connect, and resume acknowledges", async () => {
    const from = await sender();
    const target = await newAgent("t");
    const path = `${target.user}/m1/away`;
    for (const id of ["a", "b", "c"]) {
      expect(await whisper(from, path, id, id)).toMatchObject({ status: "queued" });
    }
    const first = await inbox(target, { session: "away" });
    expect(first.replayed.map((f) => f.payload)).toEqual(["a", "b", "c"]);
    expect(first.caughtUp).toEqual({ type: "caught_up", seq: 3, gap: false });
    first.socket.close();
    // Reconnecting without since_seq: nothing was acknowledged, so everything comes again.
    const again = await inbox(target, { session: "away" });
    expect(again.replayed.map((f) => f.seq)).toEqual([1, 2, 3]);
    again.socket.close();
    // since_seq 2 acknowledges 1 and 2: they are deleted, only 3 is replayed.
    const resumed = await inbox(target, { session: "away", since_seq: 2 });
    expect(resumed.replayed.map((f) => f.seq)).toEqual([3]);
    const kept = await runInDurableObject(env.INBOX.getByName(path), (_i, state) =>
      state.storage.sql.exec<{ seq: number }>("SELECT seq FROM whispers").toArray(),
    );
    expect(kept).toEqual([{ seq: 3 }]);
    resumed.socket.close();
    const later = await inbox(target, { session: "away" });
    expect(later.replayed.map((f) => f.seq)).toEqual([3]);
  });

  it("answers a re-sent whisper id without storing or delivering it twice", async () => {
    const from = await sender();
    const target = await newAgent("t");
    const box = await inbox(target, { session: "main" });
    const path = `${target.user}/m1/main`;
    await whisper(from, path, "dup", "once");
    expect(await whisper(from, path, "dup", "twice")).toMatchObject({ status: "delivered" });
    await whisper(from, path, "next", "after");
    const received = [await box.socket.nextOf("whisper"), await box.socket.nextOf("whisper")];
    expect(received.map((f) => [f.seq, f.payload])).toEqual([
      [1, "once"],
      [2, "after"],
    ]);
  });

  it("refuses unknown users and machines with not_found and stores nothing", async () => {
    const from = await sender();
    const target = await newAgent("t");
    for (const path of ["ghost/m1/s", `${target.user}/no-machine/s`]) {
      expect(await whisper(from, path, `x-${path.length}`, 1)).toMatchObject({
        type: "error",
        code: "not_found",
      });
    }
    const rows = await runInDurableObject(
      env.INBOX.getByName(`${target.user}/no-machine/s`),
      (_i, state) => state.storage.sql.exec("SELECT * FROM whispers").toArray(),
    );
    expect(rows).toEqual([]);
  });

  it("rejects malformed targets before any delivery", async () => {
    const from = await sender();
    from.socket.send({ type: "whisper", id: "bad", target: "not a path", payload: 1 });
    expect(await from.socket.nextOf("error")).toMatchObject({ code: "malformed", id: "bad" });
  });
});

describe("expiry", () => {
  it("expires queued whispers after 7 days and reports the gap", async () => {
    const from = await sender();
    const target = await newAgent("t");
    const path = `${target.user}/m1/slow`;
    await whisper(from, path, "old", "stale");
    const eightDays = Date.now() + 8 * 24 * 3600 * 1000;
    // The hourly prune deletes it; a reader at that time sees the gap, not the whisper.
    await atTime(eightDays, () => runDurableObjectAlarm(env.INBOX.getByName(path)));
    const rows = await runInDurableObject(env.INBOX.getByName(path), (_i, state) =>
      state.storage.sql.exec("SELECT seq FROM whispers").toArray(),
    );
    expect(rows).toEqual([]);
    const box = await inbox(target, { session: "slow" });
    expect(box.replayed).toEqual([]);
    expect(box.caughtUp).toEqual({ type: "caught_up", seq: 1, gap: true, from_seq: 2 });
  });
});

describe("inbox sockets", () => {
  it("send whispers but not channel frames, and supersede an older socket of the path", async () => {
    const owner = await newAgent("o");
    const older = await inbox(owner, { session: "main" });
    older.socket.send({ type: "post", id: "p", payload: 1 });
    expect(await older.socket.nextOf("error")).toMatchObject({ code: "unknown_type", id: "p" });
    const peer = await newAgent("peer");
    const peerBox = await inbox(peer, { session: "p" });
    expect(await whisper(older, `${peer.user}/m1/p`, "hi", "from an inbox")).toMatchObject({
      status: "delivered",
    });
    expect(await peerBox.socket.nextOf("whisper")).toMatchObject({
      from: `${owner.user}/m1/main`,
    });
    await inbox(owner, { session: "main" });
    expect(await older.socket.nextOf("error")).toMatchObject({ code: "superseded" });
    expect((await older.socket.closed()).code).toBe(4011);
  });
});
