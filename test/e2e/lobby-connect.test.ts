// Proves the lobby over real sockets against the real Worker (Node `ws` clients, loopback):
// hello and a live heartbeat on real alarms (short timers via vars), 4000 for a silent bot,
// 4001 `auth_timeout` without authenticate — which the SDK re-dials when the network held its
// frame, while a refused token stops it — eviction by a newer lobby, 4002 after revocation,
// presence that drops when a client dies, a client's close answered at once, and the per-IP
// 1008 limit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { runBot } from "../../src/client/run-bot.ts";
import { startCutProxy } from "../harness/cut-proxy.ts";
import { api, createBotWithToken, type Gateway, startGateway } from "../harness/gateway.ts";
import { HANG_MS } from "../harness/until.ts";
import { TestSocket } from "../harness/ws-client.ts";

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({
    vars: {
      LOBBY_AUTH_TIMEOUT_MS: "600",
      LOBBY_PING_INTERVAL_MS: "500",
      LOBBY_PONG_TIMEOUT_MS: "400",
      WS_CONNECTS_PER_IP_PER_MINUTE: "1000",
    },
  });
});
afterAll(async () => {
  await gateway?.close();
});

let names = 0;
async function newBot() {
  names += 1;
  return createBotWithToken(gateway, `e2e-lobby-${names}-${Date.now()}`);
}

async function lobby(bot: { botId: string; token: string }) {
  const socket = await TestSocket.open(gateway.wsUrl(`/ws/external/bot/${bot.botId}`));
  socket.send({ type: "authenticate", token: bot.token });
  const hello = await socket.next(HANG_MS, "the lobby hello");
  return { socket, hello };
}

async function presence(botId: string): Promise<boolean> {
  const res = await api(gateway, "GET", `/api/bots/${botId}/presence`);
  return (res.body as { online: boolean }).online;
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = HANG_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("lobby over real sockets", () => {
  it("keeps a bot that answers its pings online across several heartbeat cycles", async () => {
    const bot = await newBot();
    const { socket, hello } = await lobby(bot);
    expect(hello).toMatchObject({ type: "hello", match_id: bot.botId, endpoint: "lobby", seq: 1 });
    for (let cycle = 0; cycle < 3; cycle += 1) {
      expect(await socket.next(HANG_MS, `ping ${cycle + 1}`)).toEqual({ type: "ping" });
      socket.send({ type: "pong" });
    }
    expect(socket.isClosed).toBe(false);
    expect(await presence(bot.botId)).toBe(true);
    socket.close();
    await eventually(async () => !(await presence(bot.botId)), "presence to drop after close");
  });

  it("closes a bot that stops answering with 4000 and reports it offline", async () => {
    const bot = await newBot();
    const { socket } = await lobby(bot);
    expect(await socket.next(HANG_MS, "a ping")).toEqual({ type: "ping" });
    expect(await socket.closed(HANG_MS)).toEqual({ code: 4000, reason: "heartbeat_timeout" });
    expect(await presence(bot.botId)).toBe(false);
  });

  it("closes 4001 when no authenticate arrives in time", async () => {
    const bot = await newBot();
    const socket = await TestSocket.open(gateway.wsUrl(`/ws/external/bot/${bot.botId}`));
    // The close frame arrives on time. Locally, a socket that never sent a frame can then sit
    // in the closing handshake until the client's own close timeout (the dev proxy in front of
    // workerd does not relay the client's reply); cutting the TCP connection once the close
    // frame is in surfaces the code the server sent without waiting 30 s.
    await eventually(async () => socket.ws.readyState >= WebSocket.CLOSING, "the close frame");
    if (!socket.isClosed) socket.cut();
    expect(await socket.closed()).toEqual({ code: 4001, reason: "auth_timeout" });
    expect(socket.frames).toEqual([]);
  });

  it("the SDK re-dials a lobby whose authenticate the network held past the deadline", async () => {
    const bot = await newBot();
    const proxy = await startCutProxy(gateway.url);
    try {
      // Every byte of the first dial takes 800 ms each way: its authenticate reaches the
      // object ~1.6 s after the socket opened, past the 600 ms deadline.
      proxy.delayNext(800);
      const stop = new AbortController();
      const events: { event: string; code?: unknown }[] = [];
      const run = runBot(() => ({ decide: () => ({ action: "fold" }) }), {
        url: proxy.origin,
        botId: bot.botId,
        token: bot.token,
        signal: stop.signal,
        log: (event, data) => {
          events.push({ event, code: data?.code });
          if (event === "lobby_ready") stop.abort();
        },
      });
      const result = await run;
      expect(result.reason).toBe("aborted");
      expect(events.map((e) => e.event)).toEqual(
        expect.arrayContaining(["lobby_redial", "lobby_ready"]),
      );
      expect(events.find((e) => e.event === "lobby_redial")?.code).toBe(4001);
      expect(events.findIndex((e) => e.event === "lobby_redial")).toBeLessThan(
        events.findIndex((e) => e.event === "lobby_ready"),
      );
      // A token the server refuses is still final: the same client stops at once.
      const refused = await runBot(() => ({ decide: () => ({ action: "fold" }) }), {
        url: proxy.origin,
        botId: bot.botId,
        token: "cz_extbot_not_a_real_token",
      });
      expect(refused.reason).toBe("auth_failed");
    } finally {
      await proxy.close();
    }
  });

  it("evicts the older lobby with an evict frame, then 4000", async () => {
    const bot = await newBot();
    const older = await lobby(bot);
    const newer = await lobby(bot);
    expect(newer.hello.type).toBe("hello");
    expect(await older.socket.nextOfType("evict")).toEqual({ type: "evict", reason: "replaced" });
    expect(await older.socket.closed()).toEqual({
      code: 4000,
      reason: "Replaced by new connection",
    });
    expect(newer.socket.isClosed).toBe(false);
    newer.socket.close();
  });

  it("closes 4002 within a cycle when the token is revoked mid-session", async () => {
    const bot = await newBot();
    const { socket } = await lobby(bot);
    const revoke = await api(gateway, "DELETE", `/api/external-api/tokens/${bot.tokenId}`);
    expect(revoke.status).toBe(204);
    const pongs = setInterval(() => {
      if (!socket.isClosed) socket.send({ type: "pong" });
    }, 100);
    try {
      expect(await socket.closed(HANG_MS)).toEqual({ code: 4002, reason: "token_revoked" });
    } finally {
      clearInterval(pongs);
    }
  });

  it("reports a bot whose process died offline without waiting for a timeout", async () => {
    const bot = await newBot();
    const { socket } = await lobby(bot);
    expect(await presence(bot.botId)).toBe(true);
    socket.cut();
    await eventually(async () => !(await presence(bot.botId)), "presence to drop");
  });

  it("answers a client's close at once: the client sees 1000, not 1006 after its timeout", async () => {
    const { socket } = await lobby(await newBot());
    socket.close(1000);
    // Unanswered, `ws` gives up after its close timeout and reports 1006 (the Python
    // `websockets` of the Chipzen clients waits 10 s first).
    expect((await socket.closed(30_000)).code).toBe(1000);
  });
});

describe("per-IP connect limit over real sockets", () => {
  let limited: Gateway;
  beforeAll(async () => {
    limited = await startGateway({ vars: { WS_CONNECTS_PER_IP_PER_MINUTE: "3" } });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it("closes the fourth upgrade in a minute from one IP with 1008, sentinel echoed", async () => {
    const bot = await createBotWithToken(limited, "e2e-rate-limited");
    const url = limited.wsUrl(`/ws/external/bot/${bot.botId}`);
    for (let i = 0; i < 3; i += 1) {
      const socket = await TestSocket.open(url);
      socket.send({ type: "authenticate", token: bot.token });
      expect((await socket.next(HANG_MS, "hello")).type).toBe("hello");
      socket.close();
    }
    const refused = await TestSocket.open(url, {
      protocols: ["chipzen-bot-token", bot.token],
    });
    expect(refused.protocol).toBe("chipzen-bot-token");
    expect(await refused.closed()).toEqual({ code: 1008, reason: "" });
  });
});
