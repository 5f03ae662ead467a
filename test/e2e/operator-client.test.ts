// Proves that the real `@openclaw/gateway-client` connects to botgate's /ws/operator unchanged,
// with and without a device identity, and that everything botgate sends it is valid against
// the official protocol.schema.json: hello-ok, tick and every other event frame, and the
// results of the methods the schema defines. The operator sees a bot come online in its
// lobby, a match start and end, an agent join a channel and post; seq has no gap.
import { GatewayClientRequestError } from "@openclaw/gateway-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannel, registerAgent } from "../harness/agent.ts";
import { joinChannel, post } from "../harness/agent-socket.ts";
import { api, createBotWithToken, type Gateway, startGateway } from "../harness/gateway.ts";
import {
  assertOfficial,
  connectRealClient,
  newDeviceIdentity,
  type RealClient,
} from "../harness/operator.ts";
import { HANG_MS } from "../harness/until.ts";
import type { Frame } from "../harness/ws-client.ts";
import { dialMatch, openLobby, play } from "./lobby-bot.ts";

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({ vars: { OPERATOR_TICK_INTERVAL_MS: "5000" } });
});
afterAll(async () => {
  await gateway?.close();
});

async function mintToken(name: string, scopes: string[]): Promise<{ token: string; id: string }> {
  const res = await api(gateway, "POST", "/api/operators/tokens", { body: { name, scopes } });
  expect(res.status).toBe(201);
  return res.body as { token: string; id: string };
}

/** Every event so far is a valid EventFrame and `seq` goes up by exactly one. */
function assertEventStream(op: RealClient): void {
  let last = 0;
  for (const event of op.events) {
    assertOfficial("EventFrame", event, `event ${String(event.event)}`);
    expect(event.seq, `seq after ${last}`).toBe(last + 1);
    last = event.seq as number;
    if (event.event === "tick") assertOfficial("TickEvent", event.payload);
  }
  expect(op.gaps).toEqual([]);
}

/** A `health` result inside a snapshot, validated by the snapshot's own definition. */
function assertHealth(health: unknown): void {
  assertOfficial("Snapshot", {
    presence: [],
    health,
    stateVersion: { presence: 0, health: 0 },
    uptimeMs: 0,
  });
}

describe("the real OpenClaw client", () => {
  it("completes the handshake without a device identity and gets a valid hello-ok", async () => {
    const op = await connectRealClient(gateway, { token: gateway.adminToken });
    assertOfficial("HelloOk", op.hello);
    expect(op.hello).toMatchObject({
      type: "hello-ok",
      protocol: 4,
      auth: { role: "operator", scopes: expect.arrayContaining(["operator.admin"]) },
      policy: { tickIntervalMs: 5000, maxPayload: 262_144 },
    });
    const snapshot = op.hello.snapshot as { presence: Array<{ instanceId: string }> };
    const connId = (op.hello.server as { connId: string }).connId;
    expect(snapshot.presence.map((p) => p.instanceId)).toContain(`operator:${connId}`);
    await op.stop();
  });

  it("completes the handshake with a device identity and a scoped token", async () => {
    const { token } = await mintToken("devicy", ["operator.read", "operator.approvals"]);
    const device = newDeviceIdentity();
    const op = await connectRealClient(gateway, { token, device, scopes: ["operator.admin"] });
    assertOfficial("HelloOk", op.hello);
    expect((op.hello.auth as { scopes: string[] }).scopes).toEqual([
      "operator.approvals",
      "operator.read",
    ]);
    const features = op.hello.features as { methods: string[]; events: string[] };
    expect(features.methods).toContain("status");
    expect(features.methods).not.toContain("chat.send");
    const presence = await op.request<Array<{ deviceId?: string }>>("system-presence");
    expect(presence.some((p) => p.deviceId === device.deviceId)).toBe(true);
    // A write method is refused by scope, with the structured details.
    const refused = await op
      .request("chat.send", { channel: "x", payload: 1, idempotencyKey: "k" })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(GatewayClientRequestError);
    expect(refused).toMatchObject({
      gatewayCode: "FORBIDDEN",
      details: {
        code: "MISSING_SCOPE",
        missingScope: "operator.write",
        requiredScopes: ["operator.write"],
      },
    });
    assertOfficial("MissingScopeErrorDetails", (refused as GatewayClientRequestError).details);
    await op.stop();
  });

  it("answers every method with results valid against the official definitions", async () => {
    await registerAgent(gateway, "methodist", "desk");
    const op = await connectRealClient(gateway, { token: gateway.adminToken });
    assertHealth(await op.request("health"));
    const status = await op.request<Record<string, unknown>>("status");
    expect(status).toMatchObject({ version: "0.1.0", operators: 1 });
    const presence = await op.request<unknown[]>("system-presence");
    for (const entry of presence) assertOfficial("PresenceEntry", entry);
    const agents = await op.request("agents.list");
    assertOfficial("AgentsListResult", agents);
    expect((agents as { agents: Array<{ id: string }> }).agents.map((a) => a.id)).toContain(
      "methodist/desk",
    );
    const sessions = await op.request<{ sessions: unknown[] }>("sessions.list", { limit: 50 });
    for (const row of sessions.sessions) assertOfficial("SessionRow", row);
    expect(await op.request("botgate.bots.list")).toMatchObject({ bots: expect.any(Array) });
    expect(await op.request("botgate.matches.list", { status: "live" })).toMatchObject({
      matches: expect.any(Array),
    });
    const unknown = await op.request("no.such.method").catch((err: unknown) => err);
    expect(unknown).toMatchObject({
      gatewayCode: "INVALID_REQUEST",
      message: "unknown method: no.such.method",
    });
    await op.stop();
  });

  it("sees ticks, a bot come online, a match start and end, seq strictly increasing", async () => {
    const op = await connectRealClient(gateway, { token: gateway.adminToken });
    await op.waitFor((e) => e.event === "tick", HANG_MS, "a tick");
    const bot = await createBotWithToken(gateway, "operator-watched");
    const { lobby } = await openLobby(gateway, bot);
    const online = await op.waitFor(
      (e) => e.event === "presence" && addedIds(e).includes(`bot:${bot.botId}`),
      HANG_MS,
      "the bot's presence",
    );
    expect(online.stateVersion).toMatchObject({ presence: expect.any(Number) });
    const bots = await op.request<{ bots: Array<{ id: string; online: boolean }> }>(
      "botgate.bots.list",
    );
    expect(bots.bots.find((b) => b.id === bot.botId)?.online).toBe(true);

    const challenge = await api(gateway, "POST", "/api/external-api/challenges/house-bot", {
      token: bot.token,
    });
    expect(challenge.status).toBe(200);
    const started = await op.waitFor(
      (e) => e.event === "botgate.match" && (e.payload as { phase: string }).phase === "started",
      HANG_MS,
      "botgate.match started",
    );
    const matchId = (started.payload as { matchId: string }).matchId;
    expect(started.payload).toMatchObject({
      seats: expect.arrayContaining([expect.objectContaining({ botId: bot.botId })]),
      spectatePath: `/ws/match/${matchId}/spectate`,
    });
    const matched = await lobby.nextOfType("matched", HANG_MS);
    await play(await dialMatch(gateway, bot.token, matched));
    const ended = await op.waitFor(
      (e) => e.event === "botgate.match" && (e.payload as { phase: string }).phase === "ended",
      HANG_MS,
      "botgate.match ended",
    );
    expect(ended.payload).toMatchObject({ matchId, status: "completed" });
    const got = await op.request<{ status: string; handsPlayed: number }>("botgate.matches.get", {
      matchId,
    });
    expect(got).toMatchObject({ status: "completed", handsPlayed: expect.any(Number) });

    lobby.close();
    await op.waitFor(
      (e) =>
        e.event === "presence" &&
        ((e.payload as { removed: string[] }).removed ?? []).includes(`bot:${bot.botId}`),
      HANG_MS,
      "the bot leaving",
    );
    assertEventStream(op);
    await op.stop();
  });

  it("watches a channel: the agent's presence, chat events, a post as the operator, history", async () => {
    const owner = await registerAgent(gateway, "chatter", "desk");
    await createChannel(gateway, "ops-room", "public", owner.user);
    const op = await connectRealClient(gateway, { token: gateway.adminToken });
    const agent = await joinChannel(gateway, owner, "ops-room", { session: "s1" });
    await op.waitFor(
      (e) => e.event === "presence" && addedIds(e).includes("agent:chatter/desk/s1"),
      HANG_MS,
      "the agent's presence",
    );
    const sessions = await op.request<{ sessions: Array<{ key: string; channel: string }> }>(
      "sessions.list",
    );
    expect(sessions.sessions).toContainEqual(
      expect.objectContaining({ key: "chatter/desk/s1", kind: "group", channel: "ops-room" }),
    );
    expect(await op.request("chat.subscribe", { channel: "ops-room" })).toEqual({
      subscribed: true,
      channel: "ops-room",
    });
    await post(agent, "m1", { text: "hello operators" });
    const chat = await op.waitFor((e) => e.event === "chat", HANG_MS, "a chat event");
    assertOfficial("ChatEvent", chat.payload);
    expect(chat.payload).toMatchObject({
      sessionKey: "ops-room",
      state: "final",
      message: { from: "chatter/desk/s1", payload: { text: "hello operators" } },
    });
    const sent = await op.request<{ seq: number }>("chat.send", {
      sessionKey: "ops-room",
      message: "hi from ops",
      idempotencyKey: "op-1",
    });
    const delivered = await agent.socket.nextOfType("message", HANG_MS);
    expect(delivered).toMatchObject({
      seq: sent.seq,
      from: "operator:admin",
      payload: "hi from ops",
    });
    // The same idempotency key is the same post.
    expect(
      await op.request("chat.send", {
        channel: "ops-room",
        payload: "again",
        idempotencyKey: "op-1",
      }),
    ).toMatchObject({ seq: sent.seq, duplicate: true });
    const history = await op.request<{ messages: Array<{ from: string }> }>("chat.history", {
      channel: "ops-room",
    });
    expect(history.messages.map((m) => m.from)).toEqual(["chatter/desk/s1", "operator:admin"]);
    const missing = await op
      .request("chat.history", { channel: "no-such-room" })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({
      gatewayCode: "INVALID_REQUEST",
      details: { code: "CHANNEL_NOT_FOUND" },
    });
    agent.socket.close();
    assertEventStream(op);
    await op.stop();
  });

  it("closes a revoked token's live socket with 1008 within seconds", async () => {
    const { token, id } = await mintToken("revokee", ["operator.read"]);
    const op = await connectRealClient(gateway, { token });
    expect((await api(gateway, "DELETE", `/api/operators/tokens/${id}`)).status).toBe(204);
    expect(await op.closed(HANG_MS)).toEqual({ code: 1008, reason: "token revoked" });
    await op.stop();
    const again = await connectRealClient(gateway, { token }).catch((err: unknown) => err);
    expect(again).toMatchObject({ details: { code: "AUTH_TOKEN_MISMATCH" } });
  });
});

function addedIds(event: Frame): string[] {
  return ((event.payload as { added?: Array<{ instanceId: string }> }).added ?? []).map(
    (entry) => entry.instanceId,
  );
}
