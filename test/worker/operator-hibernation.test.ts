// Proves the operator hub loses nothing when it is evicted mid-session (hibernation): the
// sockets stay, ticks keep coming from the alarm, each connection's seq continues without a
// gap, granted scopes are kept, and a socket evicted between its challenge and its connect
// still completes the handshake with the nonce it was given.
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, atTime, call, type Frame, TestSocket } from "./channel-agent";

const hub = () => env.OPERATOR_HUB.getByName("main");

async function operator(
  token: string,
  scopes?: string[],
): Promise<{ socket: TestSocket; hello: Frame }> {
  const socket = await TestSocket.open("/ws/operator");
  const challenge = await socket.next("connect.challenge");
  expect(challenge).toMatchObject({ type: "event", event: "connect.challenge" });
  socket.send({
    type: "req",
    id: "c",
    method: "connect",
    params: {
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: "test", version: "1", platform: "workerd", mode: "test" },
      auth: { token },
      ...(scopes ? { scopes } : {}),
    },
  });
  const res = await socket.next("hello-ok");
  expect(res).toMatchObject({ type: "res", id: "c", ok: true });
  return { socket, hello: res.payload as Frame };
}

async function request(
  socket: TestSocket,
  id: string,
  method: string,
  params?: unknown,
): Promise<Frame> {
  socket.send({ type: "req", id, method, ...(params === undefined ? {} : { params }) });
  for (;;) {
    const frame = await socket.next(`the res of ${method}`);
    if (frame.type === "res" && frame.id === id) return frame;
  }
}

async function nextEvent(socket: TestSocket, name: string): Promise<Frame> {
  for (;;) {
    const frame = await socket.next(`a ${name} event`);
    if (frame.type === "event" && frame.event === name) return frame;
  }
}

/** How far the hub's clock has been moved on (each tick is scheduled from the moved clock). */
let moved = 0;

/** Fires the hub's alarm with the clock moved past the next tick. */
async function tickNow(): Promise<void> {
  moved += 16_000;
  await atTime(Date.now() + moved, async () => {
    await runDurableObjectAlarm(hub());
  });
}

describe("operator hub eviction", () => {
  it("keeps sockets, ticks, seq and scopes through eviction", async () => {
    const minted = await call("POST", "/api/operators/tokens", {
      body: { name: "reader", scopes: ["operator.read"] },
    });
    expect(minted.status).toBe(201);
    const reader = await operator(String(minted.json.token));
    const admin = await operator(ADMIN);
    // The admin's arrival is the reader's first event.
    expect(await nextEvent(reader.socket, "presence")).toMatchObject({ seq: 1 });

    await evictDurableObject(hub(), { webSockets: "hibernate" });
    await tickNow();
    expect(await nextEvent(reader.socket, "tick")).toMatchObject({ seq: 2 });
    expect(await nextEvent(admin.socket, "tick")).toMatchObject({ seq: 1 });

    await evictDurableObject(hub(), { webSockets: "hibernate" });
    // Scopes are still the granted ones: read works, write is refused.
    expect(await request(reader.socket, "s", "status")).toMatchObject({ ok: true });
    expect(
      await request(reader.socket, "w", "chat.send", {
        channel: "x",
        payload: 1,
        idempotencyKey: "k",
      }),
    ).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN", details: { code: "MISSING_SCOPE" } },
    });

    await evictDurableObject(hub(), { webSockets: "hibernate" });
    await hub().report({
      presence: [{ instanceId: "bot:evicted-test", at: Date.now(), entry: { mode: "bot" } }],
      events: [],
    });
    expect(await nextEvent(reader.socket, "presence")).toMatchObject({
      seq: 3,
      payload: { added: [expect.objectContaining({ instanceId: "bot:evicted-test" })] },
    });
    expect(await nextEvent(admin.socket, "presence")).toMatchObject({ seq: 2 });

    await evictDurableObject(hub(), { webSockets: "hibernate" });
    await tickNow();
    expect(await nextEvent(reader.socket, "tick")).toMatchObject({ seq: 4 });
    reader.socket.close();
    admin.socket.close();
  });

  it("completes a handshake whose socket was evicted after the challenge", async () => {
    const socket = await TestSocket.open("/ws/operator");
    await socket.next("connect.challenge");
    await evictDurableObject(hub(), { webSockets: "hibernate" });
    socket.send({
      type: "req",
      id: "c",
      method: "connect",
      params: {
        minProtocol: 3,
        maxProtocol: 4,
        client: { id: "test", version: "1", platform: "workerd", mode: "test" },
        auth: { token: ADMIN },
      },
    });
    expect(await socket.next("hello-ok")).toMatchObject({
      ok: true,
      payload: { type: "hello-ok" },
    });
    socket.close();
  });
});
