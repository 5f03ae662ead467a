// Proves agent channels end to end over real loopback sockets against the real Worker:
// three agents on two machines talk in two channels and whisper; a dropped agent resumes
// with exactly what it missed; a whisper to an offline session arrives when it connects;
// a revoked machine is dropped everywhere; replayed signatures and forged senders fail; a
// client's close is answered at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Agent, addMachine, createChannel, registerAgent } from "../harness/agent.ts";
import {
  joinChannel,
  openAndHello,
  openInbox,
  post,
  type Session,
  sendAuth,
} from "../harness/agent-socket.ts";
import { api, type Gateway, startGateway } from "../harness/gateway.ts";
import { HANG_MS } from "../harness/until.ts";
import type { Frame } from "../harness/ws-client.ts";

let gateway: Gateway;
let aliceLaptop: Agent;
let bobBox: Agent;

beforeAll(async () => {
  gateway = await startGateway();
  aliceLaptop = await registerAgent(gateway, "alice", "laptop");
  bobBox = await registerAgent(gateway, "bob", "box");
  await createChannel(gateway, "general", "public");
  await createChannel(gateway, "ops", "private", "alice");
});

afterAll(async () => {
  await gateway?.close();
});

/** Waits for `count` frames of `type` on a session (after those already consumed). */
async function take(session: Session, type: string, count: number): Promise<Frame[]> {
  const frames: Frame[] = [];
  while (frames.length < count) frames.push(await session.socket.nextOfType(type, HANG_MS));
  return frames;
}

describe("three agents on two machines in two channels", () => {
  it("exchange messages in both channels and whispers between sessions", async () => {
    // alice/laptop runs two agent sessions; bob/box runs one.
    const a1General = await joinChannel(gateway, aliceLaptop, "general", { session: "a1" });
    const a2General = await joinChannel(gateway, aliceLaptop, "general", { session: "a2" });
    const b1General = await joinChannel(gateway, bobBox, "general", { session: "b1" });
    const a1Ops = await joinChannel(gateway, aliceLaptop, "ops", { session: "a1" });
    // ops is private: bob is refused until alice (its channel admin) adds him.
    const refused = await openAndHello(gateway, "/ws/channel/ops", { session: "b1" });
    sendAuth(refused.socket, bobBox, "/ws/channel/ops", String(refused.challenge.nonce));
    expect(await refused.socket.nextOfType("error")).toMatchObject({ code: "forbidden" });
    expect((await refused.socket.closed()).code).toBe(4003);
    a1Ops.socket.send({ type: "admin", id: "add-bob", op: "acl_add", user: "bob" });
    expect(await a1Ops.socket.nextOfType("admin_result")).toMatchObject({
      id: "add-bob",
      ok: true,
    });
    const b1Ops = await joinChannel(gateway, bobBox, "ops", { session: "b1" });
    expect(b1Ops.established).toMatchObject({
      path: "bob/box/b1",
      admin: false,
      channel: { name: "ops", visibility: "private" },
    });

    const ack = await post(a1General, "g-1", { text: "hello general" });
    expect(ack).toMatchObject({ type: "ack", id: "g-1", seq: 1, ts: expect.any(Number) });
    for (const other of [a2General, b1General]) {
      expect(await other.socket.nextOfType("message")).toEqual({
        type: "message",
        seq: 1,
        ts: ack.ts,
        from: "alice/laptop/a1",
        payload: { text: "hello general" },
      });
    }
    const opsAck = await post(b1Ops, "o-1", "deploy at noon");
    expect(opsAck).toMatchObject({ seq: 1 });
    expect(await a1Ops.socket.nextOfType("message")).toMatchObject({
      seq: 1,
      from: "bob/box/b1",
      payload: "deploy at noon",
    });
    // The sender does not get its own message back (it has the ack).
    a1General.socket.send({ type: "who", id: "w" });
    const who = await a1General.socket.nextOfType("who");
    expect(a1General.socket.frames.filter((f) => f.type === "message")).toEqual([]);
    expect((who.sessions as Array<{ path: string }>).map((s) => s.path)).toEqual([
      "alice/laptop/a1",
      "alice/laptop/a2",
      "bob/box/b1",
    ]);

    // Whispers: bob's session whispers to alice's second session, which has its inbox open.
    const a2Inbox = await openInbox(gateway, aliceLaptop, { session: "a2" });
    b1General.socket.send({
      type: "whisper",
      id: "w-1",
      target: "alice/laptop/a2",
      payload: { text: "psst" },
    });
    expect(await b1General.socket.nextOfType("whisper_ack")).toEqual({
      type: "whisper_ack",
      id: "w-1",
      status: "delivered",
    });
    expect(await a2Inbox.socket.nextOfType("whisper")).toMatchObject({
      seq: 1,
      from: "bob/box/b1",
      payload: { text: "psst" },
    });
    // From an inbox socket, alice answers bob's session, which has no inbox open: queued.
    a2Inbox.socket.send({ type: "whisper", id: "w-2", target: "bob/box/b1", payload: "ack" });
    expect(await a2Inbox.socket.nextOfType("whisper_ack")).toMatchObject({ status: "queued" });
    a1General.socket.send({ type: "whisper", id: "w-3", target: "nobody/x/y", payload: 1 });
    expect(await a1General.socket.nextOfType("error")).toMatchObject({
      code: "not_found",
      id: "w-3",
    });
    for (const s of [a1General, a2General, b1General, a1Ops, b1Ops, a2Inbox]) s.socket.close();
  });
});

describe("drop and resume", () => {
  it("a client's close is answered at once: the client sees 1000, not 1006 after its timeout", async () => {
    const session = await joinChannel(gateway, aliceLaptop, "general", { session: "closer" });
    session.socket.close(1000);
    expect((await session.socket.closed(30_000)).code).toBe(1000);
  });

  it("a dropped agent reconnects with since_seq and gets exactly what it missed, once each, in order", async () => {
    await createChannel(gateway, "resume");
    const writer = await joinChannel(gateway, aliceLaptop, "resume", { session: "writer" });
    let reader = await joinChannel(gateway, bobBox, "resume", { session: "reader" });
    for (let i = 1; i <= 3; i += 1) await post(writer, `before-${i}`, i);
    const seen = await take(reader, "message", 3);
    const lastSeen = Number(seen.at(-1)?.seq);
    expect(lastSeen).toBe(3);

    reader.socket.cut();
    for (let i = 4; i <= 8; i += 1) await post(writer, `missed-${i}`, i);
    reader = await joinChannel(gateway, bobBox, "resume", {
      session: "reader",
      since_seq: lastSeen,
    });
    expect(reader.replayed.map((f) => [f.seq, f.payload])).toEqual([
      [4, 4],
      [5, 5],
      [6, 6],
      [7, 7],
      [8, 8],
    ]);
    expect(reader.caughtUp).toEqual({ type: "caught_up", seq: 8, gap: false });
    // Live traffic continues after the replay, with no duplicate of anything replayed.
    await post(writer, "after", 9);
    expect(await reader.socket.nextOfType("message")).toMatchObject({ seq: 9, payload: 9 });
    // A re-sent client id is acknowledged with the original seq and not delivered again.
    const again = await post(writer, "missed-5", "ignored");
    expect(again).toMatchObject({ seq: 5 });
    await post(writer, "last", 10);
    expect(await reader.socket.nextOfType("message")).toMatchObject({ seq: 10 });
    writer.socket.close();
    reader.socket.close();
  });
});

describe("whispers to offline sessions", () => {
  it("are stored and delivered when the session connects, then acknowledged by resume", async () => {
    const sender = await joinChannel(gateway, aliceLaptop, "general", { session: "sender" });
    for (const id of ["q-1", "q-2"]) {
      sender.socket.send({ type: "whisper", id, target: "bob/box/later", payload: id });
      expect(await sender.socket.nextOfType("whisper_ack")).toMatchObject({ id, status: "queued" });
    }
    const inbox = await openInbox(gateway, bobBox, { session: "later" });
    expect(inbox.replayed.map((f) => [f.seq, f.from, f.payload])).toEqual([
      [1, "alice/laptop/sender", "q-1"],
      [2, "alice/laptop/sender", "q-2"],
    ]);
    expect(inbox.caughtUp).toEqual({ type: "caught_up", seq: 2, gap: false });
    inbox.socket.close();
    // Resuming past seq 2 acknowledges both: nothing is replayed again.
    const resumed = await openInbox(gateway, bobBox, { session: "later", since_seq: 2 });
    expect(resumed.replayed).toEqual([]);
    resumed.socket.close();
    sender.socket.close();
  });
});

describe("security", () => {
  it("refuses a signature replayed from another socket's nonce, or made for another endpoint", async () => {
    const first = await openAndHello(gateway, "/ws/channel/general", { session: "s1" });
    const second = await openAndHello(gateway, "/ws/channel/general", { session: "s2" });
    // The second socket presents a signature over the first socket's nonce.
    sendAuth(second.socket, aliceLaptop, "/ws/channel/general", String(first.challenge.nonce));
    expect(await second.socket.nextOfType("error")).toMatchObject({ code: "unauthorized" });
    expect((await second.socket.closed()).code).toBe(4001);
    // A signature over the right nonce but another endpoint path fails too.
    sendAuth(first.socket, aliceLaptop, "/ws/channel/ops", String(first.challenge.nonce));
    expect((await first.socket.closed()).code).toBe(4001);
  });

  it("ignores a forged from: the frame is refused with unknown_field and nothing is stored", async () => {
    await createChannel(gateway, "forgery");
    const mallory = await joinChannel(gateway, bobBox, "forgery", { session: "m" });
    const victim = await joinChannel(gateway, aliceLaptop, "forgery", { session: "v" });
    mallory.socket.send({
      type: "post",
      id: "forged",
      from: "alice/laptop/v",
      payload: "I am alice",
    });
    expect(await mallory.socket.nextOfType("error")).toMatchObject({
      code: "unknown_field",
      id: "forged",
    });
    const ack = await post(mallory, "honest", "I am bob");
    expect(ack.seq).toBe(1);
    const message = await victim.socket.nextOfType("message");
    expect(message).toMatchObject({ seq: 1, from: "bob/box/m", payload: "I am bob" });
    victim.socket.send({ type: "history", limit: 10 });
    const history = await victim.socket.nextOfType("history");
    expect(history.messages).toEqual([
      { seq: 1, ts: ack.ts, from: "bob/box/m", payload: "I am bob" },
    ]);
    mallory.socket.close();
    victim.socket.close();
  });

  it("drops a revoked machine from every channel and inbox within seconds", async () => {
    const carol = await registerAgent(gateway, "carol", "stolen-laptop");
    const carolHome = await addMachine(gateway, "carol", "home");
    await createChannel(gateway, "carol-a");
    await createChannel(gateway, "carol-b", "unlisted");
    const sockets = [
      await joinChannel(gateway, carol, "carol-a", { session: "x" }),
      await joinChannel(gateway, carol, "carol-b", { session: "y" }),
      await openInbox(gateway, carol, { session: "x" }),
    ];
    const survivor = await joinChannel(gateway, carolHome, "carol-a", { session: "z" });
    const removed = await api(gateway, "DELETE", "/api/admin/users/carol/machines/stolen-laptop");
    expect(removed.status).toBe(204);
    // Pushed by the removal itself: the heartbeat (75 s) would come long after this wait.
    for (const session of sockets) {
      expect((await session.socket.closed(30_000)).code).toBe(4010);
    }
    expect(survivor.socket.isClosed).toBe(false);
    // The revoked key cannot come back.
    const retry = await openAndHello(gateway, "/ws/channel/carol-a", { session: "x" });
    sendAuth(retry.socket, carol, "/ws/channel/carol-a", String(retry.challenge.nonce));
    expect((await retry.socket.closed()).code).toBe(4001);
    survivor.socket.close();
  });
});
