// Proves the agent handshake inside workerd (agent channels §3): challenge format, the
// signature bound to the socket's nonce and endpoint, every refusal with its close code
// (4001, 4003, 4004, 4007, 4013), frames out of order, and inbox ownership.

import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  atTime,
  auth,
  call,
  connect,
  hello,
  inbox,
  join,
  newAgent,
  newChannel,
  newMachine,
  refused,
  TestSocket,
  unique,
} from "./channel-agent";

describe("challenge and established", () => {
  it("answers hello with a 32-byte nonce and the server id, then establishes the session", async () => {
    const agent = await newAgent();
    const channel = await newChannel("public", agent.user);
    const endpoint = `/ws/channel/${channel}`;
    const { socket, nonce } = await hello(endpoint, { session: "s1" });
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(socket.frames[0]).toEqual({ type: "challenge", nonce, server_id: "botgate-local" });
    await auth(socket, agent, endpoint, nonce);
    expect(await socket.next()).toEqual({
      type: "established",
      path: `${agent.user}/m1/s1`,
      admin: true,
      channel: { name: channel, visibility: "public", topic: "" },
      seq: 0,
    });
    expect(await socket.next()).toEqual({ type: "caught_up", seq: 0, gap: false });
  });

  it("gives every socket its own nonce", async () => {
    const channel = await newChannel();
    const a = await hello(`/ws/channel/${channel}`, { session: "a" });
    const b = await hello(`/ws/channel/${channel}`, { session: "b" });
    expect(a.nonce).not.toBe(b.nonce);
  });
});

describe("authentication failures close with 4001", () => {
  it("refuses a signature over another socket's nonce", async () => {
    const agent = await newAgent();
    const channel = await newChannel();
    const endpoint = `/ws/channel/${channel}`;
    const first = await hello(endpoint, { session: "a" });
    const second = await hello(endpoint, { session: "b" });
    await auth(second.socket, agent, endpoint, first.nonce);
    expect(await second.socket.nextOf("error")).toEqual({
      type: "error",
      code: "unauthorized",
      message: "Authentication failed",
    });
    expect((await second.socket.closed()).code).toBe(4001);
  });

  it("refuses a signature made for another endpoint path", async () => {
    const agent = await newAgent();
    const [one, other] = [await newChannel(), await newChannel()];
    const { socket, nonce } = await hello(`/ws/channel/${one}`, { session: "a" });
    await auth(socket, agent, `/ws/channel/${other}`, nonce);
    expect((await socket.closed()).code).toBe(4001);
  });

  it("refuses an unknown user, an unknown machine and another machine's key", async () => {
    const agent = await newAgent();
    const channel = await newChannel();
    const endpoint = `/ws/channel/${channel}`;
    for (const who of [
      { ...agent, user: "nobody-here" },
      { ...agent, machine: "no-such-machine" },
      { ...agent, key: (await newAgent()).key },
    ]) {
      const result = await refused(who, endpoint, { session: "s" });
      expect(result).toMatchObject({ error: { code: "unauthorized" }, close: 4001 });
    }
  });

  it("refuses a malformed signature without crashing", async () => {
    const agent = await newAgent();
    const channel = await newChannel();
    const { socket } = await hello(`/ws/channel/${channel}`, { session: "s" });
    socket.send({ type: "auth", user: agent.user, machine: agent.machine, signature: "!!" });
    expect((await socket.closed()).code).toBe(4001);
  });
});

describe("refusals after authentication", () => {
  it("closes with 4004 for an unknown channel, after the handshake", async () => {
    const agent = await newAgent();
    const result = await refused(agent, `/ws/channel/${unique("missing")}`, { session: "s" });
    expect(result).toEqual({
      error: { type: "error", code: "not_found", message: "No such channel" },
      close: 4004,
    });
  });

  it("closes with 4003 for a private channel the user is not a member of", async () => {
    const owner = await newAgent();
    const stranger = await newAgent();
    const channel = await newChannel("private", owner.user);
    const result = await refused(stranger, `/ws/channel/${channel}`, { session: "s" });
    expect(result).toMatchObject({ error: { code: "forbidden" }, close: 4003 });
    await expect(join(owner, channel, { session: "s" })).resolves.toBeTruthy();
  });

  it("lets anyone who knows the name join an unlisted channel", async () => {
    const channel = await newChannel("unlisted");
    const session = await join(await newAgent(), channel, { session: "s" });
    expect(session.established.channel).toMatchObject({ visibility: "unlisted" });
  });

  it("closes with 4013 for an unsupported protocol version and lists the supported ones", async () => {
    const socket = await TestSocket.open(`/ws/channel/${await newChannel()}`);
    socket.send({ type: "hello", protocol_version: 2, session: "s", future_field: true });
    expect(await socket.next()).toEqual({
      type: "error",
      code: "version_mismatch",
      message: expect.stringContaining("1"),
      supported_versions: [1],
    });
    expect((await socket.closed()).code).toBe(4013);
  });

  it("closes with 4007 when the handshake does not finish within the deadline", async () => {
    const channel = await newChannel();
    const idle = await TestSocket.open(`/ws/channel/${channel}`);
    // Move the clock past the 10 s deadline rather than waiting; the alarm runs the real sweep.
    await atTime(Date.now() + 10_001, () => runDurableObjectAlarm(env.CHANNEL.getByName(channel)));
    expect(await idle.next()).toMatchObject({ type: "error", code: "unauthorized" });
    expect((await idle.closed()).code).toBe(4007);
  });
});

describe("frames out of order", () => {
  it("answers frames before the handshake with errors and keeps the socket open", async () => {
    const agent = await newAgent();
    const channel = await newChannel();
    const endpoint = `/ws/channel/${channel}`;
    const socket = await TestSocket.open(endpoint);
    socket.send({ type: "post", id: "p1", payload: 1 });
    expect(await socket.next()).toEqual({
      type: "error",
      code: "unauthorized",
      message: "Send hello first",
      id: "p1",
    });
    socket.send({ type: "hello", protocol_version: 1, session: "s" });
    const challenge = await socket.nextOf("challenge");
    socket.send({ type: "hello", protocol_version: 1, session: "s" });
    expect(await socket.next()).toMatchObject({ code: "malformed" });
    socket.send({ type: "who" });
    expect(await socket.next()).toMatchObject({ code: "unauthorized" });
    await auth(socket, agent, endpoint, String(challenge.nonce));
    expect(await socket.next()).toMatchObject({ type: "established" });
    await socket.nextOf("caught_up");
    socket.send({ type: "hello", protocol_version: 1, session: "s" });
    expect(await socket.next()).toMatchObject({ code: "malformed" });
  });

  it("validates hello and auth strictly", async () => {
    const socket = await TestSocket.open(`/ws/channel/${await newChannel()}`);
    socket.send({ type: "hello", protocol_version: 1, session: "Bad Session!" });
    expect(await socket.next()).toMatchObject({ code: "malformed" });
    socket.send({ type: "hello", protocol_version: 1, session: "s", extra: 1 });
    expect(await socket.next()).toMatchObject({ code: "unknown_field" });
    socket.send({ type: "hello", session: "s" });
    expect(await socket.next()).toMatchObject({ code: "malformed" });
    expect(socket.isClosed).toBe(false);
  });
});

describe("inbox ownership", () => {
  it("opens an inbox only for its own user, machine and session", async () => {
    const owner = await newAgent();
    const otherMachine = await newMachine(owner.user, "m2");
    const stranger = await newAgent();
    const endpoint = `/ws/inbox/${owner.user}/m1/main`;
    for (const [who, session] of [
      [stranger, "main"],
      [otherMachine, "main"],
      [owner, "other"],
    ] as const) {
      const result = await refused(who, endpoint, { session });
      expect(result).toMatchObject({ error: { code: "forbidden" }, close: 4003 });
    }
    const session = await inbox(owner, { session: "main" });
    expect(session.established).toEqual({
      type: "established",
      path: `${owner.user}/m1/main`,
      admin: false,
    });
    expect(session.caughtUp).toEqual({ type: "caught_up", seq: 0, gap: false });
  });
});

describe("the Worker in front of the objects", () => {
  it("refuses plain HTTP on socket endpoints and malformed names before any object", async () => {
    const plain = await call("GET", "/ws/channel/general", { token: null });
    expect([plain.status, plain.json.error_code]).toEqual([426, "UPGRADE_REQUIRED"]);
    await expect(TestSocket.open("/ws/channel/Not_Valid!")).rejects.toThrow(/400/);
    await expect(TestSocket.open("/ws/inbox/a/b/BAD")).rejects.toThrow(/400/);
  });

  it("connects a machine enrolled later and keeps it separate from the first", async () => {
    const first = await newAgent();
    const second = await newMachine(first.user, "laptop-2");
    const channel = await newChannel();
    const a = await connect(first, `/ws/channel/${channel}`, { session: "s" });
    const b = await connect(second, `/ws/channel/${channel}`, { session: "s" });
    expect(a.established.path).toBe(`${first.user}/m1/s`);
    expect(b.established.path).toBe(`${first.user}/laptop-2/s`);
    expect(a.socket.isClosed).toBe(false);
  });
});
