// Proves that channel and inbox objects lose nothing when evicted mid-flow (hibernation):
// seq keeps counting, presence and who are unchanged, hibernated sockets keep receiving and
// sending, resume replays correctly, and queued whispers survive until delivered.
import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { auth, hello, inbox, join, newAgent, newChannel, post } from "./channel-agent";

describe("channel eviction between posts", () => {
  it("keeps seq, presence, fan-out and resume intact", async () => {
    const channel = await newChannel();
    const stub = env.CHANNEL.getByName(channel);
    const writer = await join(await newAgent(), channel, { session: "w" });
    const reader = await join(await newAgent(), channel, { session: "r" });
    expect((await post(writer, "1", "a")).seq).toBe(1);
    await reader.socket.nextOf("message");
    writer.socket.send({ type: "who" });
    const before = await writer.socket.nextOf("who");

    await evictDurableObject(stub, { webSockets: "hibernate" });
    // The hibernated sockets wake the object; seq continues from storage.
    expect((await post(writer, "2", "b")).seq).toBe(2);
    expect(await reader.socket.nextOf("message")).toMatchObject({ seq: 2, payload: "b" });
    writer.socket.send({ type: "who" });
    const after = await writer.socket.nextOf("who");
    expect(after.sessions).toEqual(before.sessions);
    expect(after.version).toBe(before.version);

    await evictDurableObject(stub, { webSockets: "hibernate" });
    // An idempotent re-post after eviction still finds the original.
    expect(await post(writer, "1", "again")).toMatchObject({ seq: 1 });
    await evictDurableObject(stub, { webSockets: "hibernate" });
    const late = await join(await newAgent(), channel, { session: "late", since_seq: 1 });
    expect(late.replayed.map((f) => [f.seq, f.payload])).toEqual([[2, "b"]]);
    expect(late.caughtUp).toEqual({ type: "caught_up", seq: 2, gap: false });
    // A message posted by a hibernated socket still skips its own sender.
    await evictDurableObject(stub, { webSockets: "hibernate" });
    expect((await post(reader, "r1", "c")).seq).toBe(3);
    expect(await writer.socket.nextOf("message")).toMatchObject({ seq: 3 });
    expect(await late.socket.nextOf("message")).toMatchObject({ seq: 3 });
    expect(reader.socket.unread.filter((f) => f.type === "message")).toEqual([]);
  });

  it("keeps the handshake state of a socket evicted between hello and auth", async () => {
    const channel = await newChannel();
    const agent = await newAgent();
    const endpoint = `/ws/channel/${channel}`;
    const { socket, nonce } = await hello(endpoint, { session: "mid" });
    await evictDurableObject(env.CHANNEL.getByName(channel), { webSockets: "hibernate" });
    await auth(socket, agent, endpoint, nonce);
    expect(await socket.next()).toMatchObject({ type: "established" });
  });

  it("supersedes a hibernated socket of the same path", async () => {
    const channel = await newChannel();
    const agent = await newAgent();
    const older = await join(agent, channel, { session: "same" });
    await evictDurableObject(env.CHANNEL.getByName(channel), { webSockets: "hibernate" });
    await join(agent, channel, { session: "same" });
    expect((await older.socket.closed()).code).toBe(4011);
  });
});

describe("inbox eviction", () => {
  it("keeps queued whispers through eviction and delivers them on connect", async () => {
    const sender = await join(await newAgent(), await newChannel(), { session: "s" });
    const target = await newAgent("target");
    const path = `${target.user}/m1/later`;
    sender.socket.send({ type: "whisper", id: "w1", target: path, payload: "one" });
    expect(await sender.socket.nextOf("whisper_ack")).toMatchObject({ status: "queued" });
    await evictDurableObject(env.INBOX.getByName(path), { webSockets: "hibernate" });
    sender.socket.send({ type: "whisper", id: "w2", target: path, payload: "two" });
    expect(await sender.socket.nextOf("whisper_ack")).toMatchObject({ status: "queued" });
    const session = await inbox(target, { session: "later" });
    expect(session.replayed.map((f) => [f.seq, f.payload])).toEqual([
      [1, "one"],
      [2, "two"],
    ]);
    await evictDurableObject(env.INBOX.getByName(path), { webSockets: "hibernate" });
    // The hibernated inbox socket is still the live one: whispers are delivered to it.
    sender.socket.send({ type: "whisper", id: "w3", target: path, payload: "three" });
    expect(await sender.socket.nextOf("whisper_ack")).toMatchObject({ status: "delivered" });
    expect(await session.socket.nextOf("whisper")).toMatchObject({ seq: 3, payload: "three" });
  });
});
