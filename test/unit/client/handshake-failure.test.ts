// Proves the bot client survives a connection that dies during the WebSocket opening
// handshake (found by `npm run chaos`: Node's WebSocket reports such a failure with an
// `error` event and no `close`, and the lobby and the match session waited for a close
// that never came — the bot stopped taking matches, the seat forfeited): both re-dial.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { Backoff } from "../../../src/client/backoff.ts";
import { playMatch } from "../../../src/client/match-session.ts";
import { runBot } from "../../../src/client/run-bot.ts";

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/**
 * An HTTP server whose first `failures` upgrade requests are dropped mid-handshake (the TCP
 * connection destroyed before any answer); later ones are handed to `onSocket`.
 */
async function flakyServer(
  failures: number,
  onSocket: (ws: import("ws").WebSocket, attempt: number) => void,
): Promise<{ origin: string; attempts: () => number }> {
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) =>
      protocols.has("chipzen-bot-token") ? "chipzen-bot-token" : false,
  });
  let attempts = 0;
  const server = createServer();
  server.on("upgrade", (request, socket, head) => {
    attempts += 1;
    const attempt = attempts;
    if (attempt <= failures) {
      setTimeout(() => socket.destroy(), 20);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => onSocket(ws, attempt));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, attempts: () => attempts };
}

/** Resolves with `promise`, or with "hung" after `ms`. */
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<"hung">((r) => setTimeout(() => r("hung"), ms))]);

const TOKEN = `cz_extbot_${"a".repeat(32)}`;

describe("a connection lost during the opening handshake", () => {
  it("makes the lobby re-dial instead of waiting for ever", async () => {
    const server = await flakyServer(2, (ws) => {
      ws.on("message", () => ws.send(JSON.stringify({ type: "hello", seq: 1 })));
    });
    const stop = new AbortController();
    let ready = false;
    const run = runBot(() => ({ decide: () => ({ action: "fold" }) }), {
      url: server.origin,
      botId: "b1",
      token: TOKEN,
      signal: stop.signal,
      backoff: new Backoff({ baseMs: 10, capMs: 20, stableMs: 1000 }),
      log: (event) => {
        if (event === "lobby_ready") ready = true;
      },
    });
    const deadline = Date.now() + 3000;
    while (!ready && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    stop.abort();
    expect(await within(run, 2000)).toMatchObject({ reason: "aborted" });
    expect(server.attempts()).toBe(3);
    expect(ready).toBe(true);
  });

  it("makes a match session re-dial and finish the match", async () => {
    const server = await flakyServer(1, (ws) => {
      ws.once("message", () => {
        ws.send(JSON.stringify({ type: "hello", match_id: "m1", seq: 1 }));
        ws.once("message", () => {
          ws.send(
            JSON.stringify({ type: "match_end", match_id: "m1", seq: 2, reason: "complete" }),
          );
          ws.close(1000);
        });
      });
    });
    const outcome = playMatch({
      notice: {
        type: "matched",
        match_id: "m1",
        participant_id: "p_1",
        rated: false,
        gateway_ws_url: "/ws/external/match/m1/p_1",
      },
      lobbyUrl: new URL("/ws/external/bot/b1", server.origin.replace(/^http/, "ws")),
      token: TOKEN,
      bot: { decide: () => ({ action: "fold" }) },
    });
    expect(await within(outcome, 5000)).toMatchObject({ status: "ended" });
    expect(server.attempts()).toBe(2);
  });
});
