// Proves the configurable parts of agent channels over real sockets, with wrangler vars
// set the way an operator would: real-time heartbeat (4000) and handshake (4007) deadlines,
// the retention count cap with the gap flag, invite-only and closed registration, and
// server admins named in configuration using the server-wide ops over a socket, and
// channels auto-created on first use when the policy allows it. The heartbeat is short
// (1.5 s), so every session that must outlive it pings like a real client (`alive`); only the
// heartbeat test's silent socket does not.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { registerSignedString } from "../../src/agents/signed-strings.ts";
import { type Agent, AgentKey, createChannel, registerAgent } from "../harness/agent.ts";
import { joinChannel, keepAlive, openInbox, post, type Session } from "../harness/agent-socket.ts";
import { api, type Gateway, startGateway } from "../harness/gateway.ts";
import { TestSocket } from "../harness/ws-client.ts";

let gateway: Gateway;
let root: Agent;
let worker: Agent;

async function code(): Promise<string> {
  const res = await api(gateway, "POST", "/api/admin/registration-codes", { body: { uses: 1 } });
  expect(res.status).toBe(201);
  return (res.body as { code: string }).code;
}

beforeAll(async () => {
  gateway = await startGateway({
    vars: {
      SERVER_ADMINS: "root",
      AGENT_REGISTRATION: "invite",
      AGENT_HEARTBEAT_TIMEOUT_MS: "1500",
      AGENT_HANDSHAKE_TIMEOUT_MS: "3000",
      AGENT_PRESENCE_BATCH_MS: "100",
      CHANNEL_MAX_MESSAGES: "5",
      CHANNEL_AUTO_CREATE: "true",
    },
  });
  root = await registerAgent(gateway, "root", "console", { code: await code() });
  worker = await registerAgent(gateway, "worker", "rack1", { code: await code() });
});

afterAll(async () => {
  await gateway?.close();
});

/** Keep-alives started by the running test, stopped after it. */
const pinging: Array<() => void> = [];

/** Keeps `session` pinging until the end of the test (or until its socket closes). */
function alive(session: Session): Session {
  pinging.push(keepAlive(session));
  return session;
}

afterEach(() => {
  for (const stop of pinging.splice(0)) stop();
});

function registrationBody(user: string) {
  const key = AgentKey.generate();
  return {
    user,
    machine: "m1",
    pubkey: key.pubkey,
    signature: key.sign(registerSignedString(user, "m1", key.pubkey)),
  };
}

describe("invite-only registration", () => {
  it("needs a code, and a code is good for its uses only", async () => {
    const none = await api(gateway, "POST", "/api/agents/register", {
      token: null,
      body: registrationBody("nocode"),
    });
    expect([none.status, (none.body as { error_code: string }).error_code]).toEqual([
      403,
      "REGISTRATION_CODE_REQUIRED",
    ]);
    const once = await code();
    const first = await api(gateway, "POST", "/api/agents/register", {
      token: null,
      body: { ...registrationBody("first"), code: once },
    });
    expect(first.status).toBe(201);
    const reused = await api(gateway, "POST", "/api/agents/register", {
      token: null,
      body: { ...registrationBody("second"), code: once },
    });
    expect([reused.status, (reused.body as { error_code: string }).error_code]).toEqual([
      403,
      "REGISTRATION_CODE_INVALID",
    ]);
  });
});

describe("deadlines in real time", () => {
  it("closes a silent socket with 4000 and keeps one that pings, and presence follows", async () => {
    await createChannel(gateway, "beat");
    const pinger = alive(await joinChannel(gateway, worker, "beat", { session: "pinger" }));
    const silent = await joinChannel(gateway, worker, "beat", { session: "silent" });
    // Hang bounds: the silent socket goes after 1.5 s, the runtime's default is 75 s.
    const closed = await silent.socket.closed(30_000);
    expect(closed.code).toBe(4000);
    for (;;) {
      const presence = await pinger.socket.nextOfType("presence", 30_000);
      if ((presence.left as string[]).includes("worker/rack1/silent")) break;
    }
    expect(pinger.socket.isClosed).toBe(false);
    expect(pinger.socket.frames.some((f) => f.type === "pong")).toBe(true);
    pinger.socket.close();
  });

  it("closes a socket that never completes the handshake with 4007", async () => {
    const socket = await TestSocket.open(gateway.wsUrl("/ws/channel/beat"));
    socket.send({ type: "hello", protocol_version: 1, session: "slow" });
    await socket.nextOfType("challenge");
    // A hang bound: the deadline is 3 s here, the runtime's default 10 s.
    const error = await socket.nextOfType("error", 30_000);
    expect(error).toMatchObject({ code: "unauthorized" });
    expect((await socket.closed()).code).toBe(4007);
  });
});

describe("retention by count", () => {
  it("keeps the newest messages without renumbering and flags the gap on resume", async () => {
    await createChannel(gateway, "capped");
    const writer = alive(await joinChannel(gateway, worker, "capped", { session: "w" }));
    for (let i = 1; i <= 8; i += 1) await post(writer, `c${i}`, i);
    const reader = alive(
      await joinChannel(gateway, root, "capped", { session: "r", since_seq: 1 }),
    );
    expect(reader.replayed.map((f) => f.seq)).toEqual([4, 5, 6, 7, 8]);
    expect(reader.caughtUp).toEqual({ type: "caught_up", seq: 8, gap: true, from_seq: 4 });
    expect((await post(writer, "c9", 9)).seq).toBe(9);
    writer.socket.close();
    reader.socket.close();
  });
});

describe("server admins from configuration", () => {
  it("use server-wide ops over a socket; others may not", async () => {
    await createChannel(gateway, "control");
    const console = alive(await joinChannel(gateway, root, "control", { session: "c" }));
    expect(console.established.admin).toBe(true);
    const ask = async (fields: Record<string, unknown>) => {
      const id = `op-${Math.random().toString(36).slice(2)}`;
      console.socket.send({ type: "admin", id, ...fields });
      for (;;) {
        const frame = await console.socket.next(30_000, `the answer to ${String(fields.op)}`);
        if (frame.id === id) return frame;
      }
    };
    expect(
      await ask({ op: "create_channel", name: "made-by-root", visibility: "private" }),
    ).toMatchObject({
      type: "admin_result",
      ok: true,
      channel: { name: "made-by-root", visibility: "private", topic: "" },
    });
    // The creator is that channel's admin.
    const own = alive(await joinChannel(gateway, root, "made-by-root", { session: "c" }));
    expect(own.established.admin).toBe(true);
    const users = await ask({ op: "list_users" });
    expect((users.users as Array<{ user: string }>).map((u) => u.user)).toEqual(
      expect.arrayContaining(["root", "worker"]),
    );
    const spare = AgentKey.generate();
    expect(
      await ask({ op: "add_machine", user: "worker", name: "rack2", pubkey: spare.pubkey }),
    ).toMatchObject({
      ok: true,
    });
    const rack2: Agent = { user: "worker", machine: "rack2", key: spare };
    const onChannel = alive(await joinChannel(gateway, rack2, "control", { session: "w" }));
    const onInbox = alive(await openInbox(gateway, rack2, { session: "w" }));
    expect(await ask({ op: "remove_user", user: "worker" })).toMatchObject({ ok: true });
    expect((await onChannel.socket.closed()).code).toBe(4010);
    expect((await onInbox.socket.closed()).code).toBe(4010);
    own.socket.close();
    console.socket.close();
  });
});

describe("auto-created channels", () => {
  it("creates an unknown channel as public on its first handshake, with that user as admin", async () => {
    const maker = await registerAgent(gateway, "maker", "m1", { code: await code() });
    const first = alive(await joinChannel(gateway, maker, "made-on-demand", { session: "a" }));
    expect(first.established).toMatchObject({
      admin: true,
      channel: { name: "made-on-demand", visibility: "public" },
    });
    const listed = await api(gateway, "GET", "/api/channels", { token: null });
    expect((listed.body as { channels: Array<{ name: string }> }).channels).toContainEqual({
      name: "made-on-demand",
      visibility: "public",
      topic: "",
    });
    const second = alive(await joinChannel(gateway, root, "made-on-demand", { session: "b" }));
    expect(second.established.admin).toBe(true);
    first.socket.close();
    second.socket.close();
  });
});

describe("closed registration", () => {
  it("refuses self-registration; the admin enrols users instead", async () => {
    const closed = await startGateway({ vars: { AGENT_REGISTRATION: "closed" } });
    try {
      const res = await api(closed, "POST", "/api/agents/register", {
        token: null,
        body: registrationBody("someone"),
      });
      expect([res.status, (res.body as { error_code: string }).error_code]).toEqual([
        403,
        "REGISTRATION_CLOSED",
      ]);
      const key = AgentKey.generate();
      const enrolled = await api(closed, "POST", "/api/admin/users/someone/machines", {
        body: { name: "m1", pubkey: key.pubkey },
      });
      expect(enrolled.status).toBe(201);
      await createChannel(closed, "lobby");
      const session = await joinChannel(closed, { user: "someone", machine: "m1", key }, "lobby", {
        session: "s",
      });
      expect(session.established.path).toBe("someone/m1/s");
      session.socket.close();
    } finally {
      await closed.close();
    }
  });
});
