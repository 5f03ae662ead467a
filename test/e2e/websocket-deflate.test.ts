// Every WebSocket endpoint answers a client's permessage-deflate offer with 4 kB windows
// (src/lib/websocket-deflate.ts) through the real local runtime, and frames decode over it:
// the bot lobby, a match seat, an agent channel, the operator gateway and the sled uplink. A
// client that offers no compression gets none.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannel, registerAgent } from "../harness/agent.ts";
import { api, createBotWithToken, type Gateway, startGateway } from "../harness/gateway.ts";
import { registerSled } from "../harness/sled.ts";
import { HANG_MS } from "../harness/until.ts";
import { TestSocket } from "../harness/ws-client.ts";

/**
 * What `ws` offers (`permessage-deflate; client_max_window_bits`) is answered with, as the
 * parameters of the negotiated header (the runtime writes them in its own order).
 */
const ANSWER = ["client_max_window_bits=12", "permessage-deflate", "server_max_window_bits=12"];
const negotiated = (socket: TestSocket) =>
  socket.extensions
    .split(";")
    .map((part) => part.trim())
    .filter(Boolean)
    .sort();

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.close();
});

const bot = (name: string) => createBotWithToken(gateway, `deflate-${name}-${Date.now()}`);

describe("permessage-deflate with 4 kB windows", () => {
  it("on the bot lobby", async () => {
    const { botId, token } = await bot("lobby");
    const socket = await TestSocket.open(gateway.wsUrl(`/ws/external/bot/${botId}`));
    expect(negotiated(socket)).toEqual(ANSWER);
    socket.send({ type: "authenticate", token });
    expect(await socket.next(HANG_MS, "the lobby hello")).toMatchObject({ type: "hello" });
    socket.ws.terminate();
  });

  it("on a match seat", async () => {
    const [a, b] = await Promise.all([bot("seat-a"), bot("seat-b")]);
    const res = await api(gateway, "POST", "/api/matches", {
      body: { bots: [a.botId, b.botId], config: {} },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const match = res.body as { match_id: string; seats: { gateway_ws_url: string }[] };
    const socket = await TestSocket.open(gateway.wsUrl(match.seats[0]?.gateway_ws_url ?? ""), {
      protocols: ["chipzen-bot-token", a.token],
    });
    expect(negotiated(socket)).toEqual(ANSWER);
    socket.send({ type: "authenticate", match_id: match.match_id, token: "" });
    expect(await socket.next(HANG_MS, "the server hello")).toMatchObject({ type: "hello" });
    socket.ws.terminate();
  });

  it("on an agent channel", async () => {
    await registerAgent(gateway, "deflate", "box");
    await createChannel(gateway, "deflate");
    const socket = await TestSocket.open(gateway.wsUrl("/ws/channel/deflate"));
    expect(negotiated(socket)).toEqual(ANSWER);
    socket.send({ type: "hello", protocol_version: 1, session: "s1" });
    expect(await socket.next(HANG_MS, "the challenge")).toMatchObject({ type: "challenge" });
    socket.ws.terminate();
  });

  it("on the operator gateway", async () => {
    const socket = await TestSocket.open(gateway.wsUrl("/ws/operator"));
    expect(negotiated(socket)).toEqual(ANSWER);
    expect(await socket.next(HANG_MS, "the challenge")).toMatchObject({
      event: "connect.challenge",
    });
    socket.ws.terminate();
  });

  it("on the sled uplink", async () => {
    const token = await registerSled(gateway, "deflate");
    const url = gateway.wsUrl(`/api/sled-uplink?token=${encodeURIComponent(token)}`);
    const socket = await TestSocket.open(url);
    expect(negotiated(socket)).toEqual(ANSWER);
    socket.ws.terminate();
  });

  it("not at all for a client that offers none", async () => {
    const socket = await TestSocket.open(gateway.wsUrl("/ws/operator"), { deflate: false });
    expect(negotiated(socket)).toEqual([]);
    expect(await socket.next(HANG_MS, "the challenge")).toMatchObject({
      event: "connect.challenge",
    });
    socket.ws.terminate();
  });
});
