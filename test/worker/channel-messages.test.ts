// Proves posting, fan-out, resume and history inside workerd (agent channels §4, §5, §10):
// dense seq stored before the ack, idempotent re-posts, echo, the server-stamped sender,
// every frame-level error, size and rate limits with their close codes, since_seq replay
// with the gap flag, and history paging.

import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { join, newAgent, newChannel, post, type Session } from "./channel-agent";

async function pair(): Promise<{ channel: string; a: Session; b: Session }> {
  const channel = await newChannel();
  const a = await join(await newAgent("a"), channel, { session: "s" });
  const b = await join(await newAgent("b"), channel, { session: "s" });
  return { channel, a, b };
}

function storedSeqs(channel: string): Promise<number[]> {
  return runInDurableObject(env.CHANNEL.getByName(channel), (_instance, state) =>
    state.storage.sql
      .exec<{ seq: number }>("SELECT seq FROM messages ORDER BY seq")
      .toArray()
      .map((r) => r.seq),
  );
}

describe("posts", () => {
  it("stores with a dense seq before acking and fans out to the others only", async () => {
    const { channel, a, b } = await pair();
    for (let i = 1; i <= 3; i += 1) {
      const ack = await post(a, `id-${i}`, { n: i });
      expect(ack).toEqual({ type: "ack", id: `id-${i}`, seq: i, ts: expect.any(Number) });
      // The ack came after the row existed.
      expect(await storedSeqs(channel)).toContain(i);
      expect(await b.socket.nextOf("message")).toEqual({
        type: "message",
        seq: i,
        ts: ack.ts,
        from: String(a.established.path),
        payload: { n: i },
      });
    }
    expect(a.socket.unread.filter((f) => f.type === "message")).toEqual([]);
  });

  it("answers a re-sent id with the original ack and stores nothing new", async () => {
    const { channel, a, b } = await pair();
    const first = await post(a, "same", "one");
    await b.socket.nextOf("message");
    const again = await post(a, "same", "two");
    expect(again).toEqual(first);
    await post(a, "next", "three");
    expect(await b.socket.nextOf("message")).toMatchObject({ seq: 2, payload: "three" });
    expect(await storedSeqs(channel)).toEqual([1, 2]);
  });

  it("scopes client ids to the sender: two agents may both use id 1", async () => {
    const { a, b } = await pair();
    expect((await post(a, "1", "from a")).seq).toBe(1);
    expect((await post(b, "1", "from b")).seq).toBe(2);
  });

  it("echoes a sender's own messages when hello asked for echo", async () => {
    const channel = await newChannel();
    const agent = await newAgent();
    const echoing = await join(agent, channel, { session: "e", echo: true });
    const ack = await post(echoing, "x", "hi");
    expect(await echoing.socket.nextOf("message")).toMatchObject({
      seq: ack.seq,
      payload: "hi",
    });
  });

  it("refuses a client-supplied from with unknown_field and stores nothing", async () => {
    const { channel, a } = await pair();
    a.socket.send({ type: "post", id: "f", from: "someone/else/entirely", payload: 1 });
    expect(await a.socket.nextOf("error")).toEqual({
      type: "error",
      code: "unknown_field",
      message: "Unknown field: from",
      id: "f",
    });
    expect(await storedSeqs(channel)).toEqual([]);
  });

  it("answers malformed, unknown and mistyped frames with errors and stays open", async () => {
    const { a } = await pair();
    const cases: Array<[unknown, string]> = [
      ["{not json", "malformed"],
      ["[1,2]", "malformed"],
      [{ id: "x" }, "malformed"],
      [{ type: "dance", id: "d" }, "unknown_type"],
      [{ type: "post", id: 5, payload: 1 }, "malformed"],
      [{ type: "post", id: "x".repeat(65), payload: 1 }, "malformed"],
      [{ type: "post", id: "no-payload" }, "malformed"],
      [{ type: "history", limit: 5000 }, "malformed"],
      [{ type: "admin", id: "o", op: "explode" }, "malformed"],
    ];
    for (const [frame, code] of cases) {
      a.socket.send(frame);
      expect(await a.socket.nextOf("error")).toMatchObject({ code });
    }
    a.socket.ws.send(new Uint8Array([1, 2, 3]));
    expect(await a.socket.nextOf("error")).toMatchObject({ code: "malformed" });
    expect((await post(a, "still-open", 1)).seq).toBe(1);
  });

  it("closes with 4008 after too_large for a frame over 16 KiB", async () => {
    const { a } = await pair();
    a.socket.send({ type: "post", id: "big", payload: "x".repeat(17_000) });
    expect(await a.socket.nextOf("error")).toMatchObject({ code: "too_large" });
    expect((await a.socket.closed()).code).toBe(4008);
  });

  it("counts the size in UTF-8 bytes", async () => {
    const { a } = await pair();
    // 6,000 three-byte characters: under 16 KiB in characters, over it in bytes.
    a.socket.send({ type: "post", id: "wide", payload: "€".repeat(6_000) });
    expect((await a.socket.closed()).code).toBe(4008);
  });
});

describe("rate limits", () => {
  it("warns with rate_limited over 20 frames/s (burst 40) and closes with 4009 on the fifth violation; acked posts stay", async () => {
    const { channel, a } = await pair();
    for (let i = 0; i < 100; i += 1) a.socket.send({ type: "post", id: `r-${i}`, payload: i });
    const closed = await a.socket.closed();
    expect(closed.code).toBe(4009);
    const acks = a.socket.frames.filter((f) => f.type === "ack");
    const warnings = a.socket.frames.filter((f) => f.type === "error");
    // The burst of 40 less the two handshake frames, plus whatever refilled meanwhile.
    expect(acks.length).toBeGreaterThanOrEqual(38);
    expect(warnings).toHaveLength(5);
    expect(warnings.every((w) => w.code === "rate_limited")).toBe(true);
    // The refused frames are named by id so the client knows what to re-send.
    expect(warnings[0]?.id).toMatch(/^r-\d+$/);
    const stored = await storedSeqs(channel);
    expect(stored).toEqual(acks.map((ack) => ack.seq));
  });
});

describe("resume and history", () => {
  it("replays everything after since_seq, then caught_up with the latest seq", async () => {
    const { channel, a } = await pair();
    for (let i = 1; i <= 5; i += 1) await post(a, `m${i}`, i);
    const late = await join(await newAgent(), channel, { session: "late", since_seq: 2 });
    expect(late.replayed.map((f) => f.seq)).toEqual([3, 4, 5]);
    expect(late.replayed[0]).toMatchObject({ type: "message", from: String(a.established.path) });
    expect(late.caughtUp).toEqual({ type: "caught_up", seq: 5, gap: false });
    const fresh = await join(await newAgent(), channel, { session: "fresh" });
    expect(fresh.replayed).toEqual([]);
    expect(fresh.caughtUp).toEqual({ type: "caught_up", seq: 5, gap: false });
  });

  it("flags a gap with from_seq when messages after since_seq were pruned", async () => {
    const { channel, a } = await pair();
    for (let i = 1; i <= 6; i += 1) await post(a, `m${i}`, i);
    // What retention does (count cap or age): delete the oldest rows, never renumber.
    await runInDurableObject(env.CHANNEL.getByName(channel), (_instance, state) => {
      state.storage.sql.exec("DELETE FROM messages WHERE seq <= 4");
    });
    const late = await join(await newAgent(), channel, { session: "late", since_seq: 1 });
    expect(late.replayed.map((f) => f.seq)).toEqual([5, 6]);
    expect(late.caughtUp).toEqual({ type: "caught_up", seq: 6, gap: true, from_seq: 5 });
    expect((await post(a, "m7", 7)).seq).toBe(7);
  });

  it("replays at most 1000 per batch and says more, the rest comes with history", async () => {
    const { channel, a } = await pair();
    await runInDurableObject(env.CHANNEL.getByName(channel), (_instance, state) => {
      for (let seq = 1; seq <= 1005; seq += 1) {
        state.storage.sql.exec(
          "INSERT INTO messages (seq, ts, sender, client_id, payload) VALUES (?, ?, 'x/y/z', ?, ?)",
          seq,
          Date.now(),
          `c${seq}`,
          String(seq),
        );
      }
    });
    // A fresh instance reads the latest seq back from the rows themselves.
    await evictDurableObject(env.CHANNEL.getByName(channel), { webSockets: "hibernate" });
    const late = await join(await newAgent(), channel, { session: "late", since_seq: 0 });
    expect(late.replayed).toHaveLength(1000);
    expect(late.replayed.at(-1)?.seq).toBe(1000);
    expect(late.caughtUp).toEqual({ type: "caught_up", seq: 1005, gap: false, more: true });
    late.socket.send({ type: "history", after_seq: 1000 });
    const rest = await late.socket.nextOf("history");
    expect((rest.messages as Array<{ seq: number }>).map((m) => m.seq)).toEqual([
      1001, 1002, 1003, 1004, 1005,
    ]);
    expect(rest.more).toBe(false);
    expect(a.socket.isClosed).toBe(false);
  });

  it("pages history backwards and forwards with limit and more", async () => {
    const { a } = await pair();
    for (let i = 1; i <= 7; i += 1) await post(a, `h${i}`, i);
    const seqs = async (request: Record<string, unknown>) => {
      a.socket.send({ type: "history", id: "q", ...request });
      const page = await a.socket.nextOf("history");
      expect(page.id).toBe("q");
      return [(page.messages as Array<{ seq: number }>).map((m) => m.seq), page.more];
    };
    expect(await seqs({ limit: 3 })).toEqual([[5, 6, 7], true]);
    expect(await seqs({ before_seq: 5, limit: 3 })).toEqual([[2, 3, 4], true]);
    expect(await seqs({ before_seq: 2, limit: 3 })).toEqual([[1], false]);
    expect(await seqs({ after_seq: 2, limit: 2 })).toEqual([[3, 4], true]);
    expect(await seqs({ after_seq: 2, before_seq: 5 })).toEqual([[3, 4], false]);
    expect(await seqs({})).toEqual([[1, 2, 3, 4, 5, 6, 7], false]);
  });
});
