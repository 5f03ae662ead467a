// Proves the wire itself with raw clients: every frame botgate sends a protocol-4 client is a
// valid GatewayFrame (hello-ok a valid HelloOk) and never carries the protocol-3 keys; an
// early protocol-3 control centre (client.id "control-center", mode "operator", decoding
// `result`, an integer `error.code`, `event.params` and a top-level `connId`) completes the
// handshake, lists agents and sessions, survives an error response and receives events; a
// deployment with OPERATOR_REQUIRE_DEVICE refuses a connect without a device identity; and a
// planned close sends a valid `shutdown` event before closing 1012.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBotWithToken, type Gateway, startGateway } from "../harness/gateway.ts";
import { assertOfficial, connectRaw, newDeviceIdentity, rawRequest } from "../harness/operator.ts";
import { HANG_MS } from "../harness/until.ts";
import type { Frame } from "../harness/ws-client.ts";
import { openLobby } from "./lobby-bot.ts";

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({ vars: { OPERATOR_TICK_INTERVAL_MS: "5000" } });
});
afterAll(async () => {
  await gateway?.close();
});

const PROTOCOL_3_KEYS = ["result", "params", "connId"];

describe("protocol-4 frames", () => {
  it("are all valid GatewayFrames without the protocol-3 keys", async () => {
    const { socket, res } = await connectRaw(gateway, gateway.adminToken);
    assertOfficial("HelloOk", res.payload);
    await rawRequest(socket, "1", "status");
    await rawRequest(socket, "2", "no.such.method");
    await rawRequest(socket, "3", "botgate.matches.get", { matchId: "nope" });
    await socket.nextOfType("event", HANG_MS);
    socket.send("not json");
    const invalid = await socket.nextOfType("res", HANG_MS); // ticks may come first
    expect(invalid).toMatchObject({
      type: "res",
      id: "invalid",
      ok: false,
      error: { code: "INVALID_REQUEST", message: "invalid request frame: not JSON" },
    });
    for (const frame of socket.frames) {
      assertOfficial("GatewayFrame", frame, `frame ${JSON.stringify(frame).slice(0, 80)}`);
      for (const key of PROTOCOL_3_KEYS) expect(frame).not.toHaveProperty(key);
      if (frame.type === "res" && frame.ok === false) {
        expect(typeof (frame.error as { code: unknown }).code).toBe("string");
      }
    }
    socket.close();
  });
});

describe("an early protocol-3 control centre", () => {
  it("connects, lists, survives an error and receives events", async () => {
    const { socket, res } = await connectRaw(gateway, gateway.adminToken, {
      minProtocol: 3,
      maxProtocol: 3,
      client: { id: "control-center", version: "0.3.0", platform: "go", mode: "operator" },
    });
    expect(res).toMatchObject({ type: "res", ok: true });
    // What a v3 decoder reads: `result` (= payload) and the top-level connId.
    const hello = res.result as Record<string, unknown>;
    expect(hello).toEqual(res.payload);
    expect(hello.protocol).toBe(3);
    expect(hello.connId).toBe((hello.server as { connId: string }).connId);

    const agents = await rawRequest(socket, "a", "agents.list");
    expect(agents.result).toMatchObject({ agents: expect.any(Array) });
    const sessions = await rawRequest(socket, "s", "sessions.list");
    expect(sessions.result).toMatchObject({ sessions: expect.any(Array) });
    const error = await rawRequest(socket, "e", "no.such.method");
    expect(error.error).toEqual({
      code: 400,
      message: "unknown method: no.such.method",
      details: { gatewayCode: "INVALID_REQUEST" },
    });
    const missing = await rawRequest(socket, "m", "botgate.matches.get", {
      matchId: "0".repeat(36),
    });
    expect(missing.error).toEqual({
      code: 404,
      message: "no such match",
      details: { code: "MATCH_NOT_FOUND", gatewayCode: "INVALID_REQUEST" },
    });
    // Still connected: a bot comes online and the event arrives with `params`.
    const bot = await createBotWithToken(gateway, "v3-watched");
    const { lobby } = await openLobby(gateway, bot);
    let presence: Frame;
    do {
      presence = await socket.nextOfType("event", HANG_MS);
    } while (presence.event !== "presence");
    expect(presence.params).toEqual(presence.payload);
    expect(typeof presence.seq).toBe("number");
    lobby.close();
    socket.close();
  });
});

describe("OPERATOR_REQUIRE_DEVICE", () => {
  it("refuses a connect without a device identity and accepts one with", async () => {
    const strict = await startGateway({ vars: { OPERATOR_REQUIRE_DEVICE: "true" } });
    try {
      const without = await connectRaw(strict, strict.adminToken);
      expect(without.res).toMatchObject({
        ok: false,
        error: { code: "INVALID_REQUEST", details: { code: "DEVICE_IDENTITY_REQUIRED" } },
      });
      expect((await without.socket.closed(HANG_MS)).code).toBe(1008);
      const device = newDeviceIdentity();
      const withDevice = await connectRaw(strict, strict.adminToken, {}, { device });
      expect(withDevice.res).toMatchObject({ ok: true, payload: { type: "hello-ok" } });
      withDevice.socket.close();
    } finally {
      await strict.close();
    }
  });
});

describe("a planned close", () => {
  it("sends a valid shutdown event to every operator, then closes 1012", async () => {
    const { socket } = await connectRaw(gateway, gateway.adminToken);
    const res = await fetch(new URL("/api/operators/shutdown", gateway.url), {
      method: "POST",
      headers: {
        authorization: `Bearer ${gateway.adminToken}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ reason: "deploy", restart_expected_ms: 30_000 }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { closed: number }).closed).toBeGreaterThanOrEqual(1);
    let shutdown: Frame;
    do {
      shutdown = await socket.nextOfType("event", HANG_MS);
    } while (shutdown.event !== "shutdown");
    assertOfficial("EventFrame", shutdown);
    assertOfficial("ShutdownEvent", shutdown.payload);
    expect(shutdown.payload).toEqual({ reason: "deploy", restartExpectedMs: 30_000 });
    expect(await socket.closed(HANG_MS)).toEqual({ code: 1012, reason: "service restart" });
  });
});
