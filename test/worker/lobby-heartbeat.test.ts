// Proves the lobby heartbeat on the alarm (bot protocol §3.2, §3.7): ping after the interval,
// 4000 when the pong is late, 4002 when the token is revoked mid-session, 4001 when no
// authenticate arrives in time, and presence that follows all of it.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { revokeToken } from "../../src/registry/tokens";
import {
  botStub,
  connectLobby,
  elapse,
  newBot,
  openSocket,
  quiet,
  waitInObject,
} from "./lobby-helpers";

const PING_MS = Number(env.LOBBY_PING_INTERVAL_MS);
const PONG_MS = Number(env.LOBBY_PONG_TIMEOUT_MS);
const AUTH_MS = Number(env.LOBBY_AUTH_TIMEOUT_MS);

function noPongOwed(state: DurableObjectState): boolean {
  return (
    state.storage.sql.exec("SELECT 1 FROM schedule WHERE key LIKE 'pong:%'").toArray().length === 0
  );
}

describe("lobby heartbeat", () => {
  it("arms the first ping one interval after the hello", async () => {
    const bot = await newBot();
    const before = Date.now();
    const { client } = await connectLobby(bot);
    const alarm = await runInDurableObject(botStub(bot.botId), (_i, state) =>
      state.storage.getAlarm(),
    );
    expect(alarm).toBeGreaterThanOrEqual(before + PING_MS);
    expect(alarm).toBeLessThanOrEqual(Date.now() + PING_MS);
    client.close();
  });

  it("pings every interval and keeps a bot that answers online", async () => {
    const bot = await newBot();
    const stub = botStub(bot.botId);
    const { client } = await connectLobby(bot);
    for (let cycle = 0; cycle < 3; cycle += 1) {
      await elapse(stub, PING_MS);
      expect(await client.next("a ping")).toEqual({ type: "ping" });
      client.send({ type: "pong" });
      await waitInObject(stub, noPongOwed, "the pong to be recorded");
      await elapse(stub, PONG_MS);
      expect(client.closeEvent).toBeNull();
      expect(await stub.isOnline()).toBe(true);
    }
    client.close();
  });

  it("does not ping before the interval has passed", async () => {
    const bot = await newBot();
    const stub = botStub(bot.botId);
    const { client } = await connectLobby(bot);
    await elapse(stub, PING_MS - 1000);
    await quiet(100);
    expect(client.unread).toEqual([]);
    client.close();
  });

  it("closes 4000 when the pong is late and reports the bot offline", async () => {
    const bot = await newBot();
    const stub = botStub(bot.botId);
    const { client } = await connectLobby(bot);
    await elapse(stub, PING_MS);
    expect(await client.next("a ping")).toEqual({ type: "ping" });
    await elapse(stub, PONG_MS - 1000);
    expect(client.closeEvent).toBeNull();
    await elapse(stub, 1000);
    expect(await client.closed()).toEqual({ code: 4000, reason: "heartbeat_timeout" });
    expect(await stub.isOnline()).toBe(false);
  });

  it("closes 4002 at the next cycle when the token is revoked mid-session", async () => {
    const bot = await newBot();
    const stub = botStub(bot.botId);
    const { client } = await connectLobby(bot);
    await revokeToken(env.DB, bot.tokenId);
    expect(client.closeEvent).toBeNull();
    await elapse(stub, PING_MS);
    expect(await client.closed()).toEqual({ code: 4002, reason: "token_revoked" });
    expect(client.unread).toEqual([]);
    expect(await stub.isOnline()).toBe(false);
  });

  it("closes 4001 when no authenticate arrives within the deadline", async () => {
    const bot = await newBot();
    const stub = botStub(bot.botId);
    const client = await openSocket(`/ws/external/bot/${bot.botId}`);
    await elapse(stub, AUTH_MS - 1000);
    expect(client.closeEvent).toBeNull();
    await elapse(stub, 1000);
    expect(await client.closed()).toEqual({ code: 4001, reason: "auth_timeout" });
  });

  it("does not blame the bot for the server's own token check: an authenticate being verified at the deadline goes on", async () => {
    const bot = await newBot();
    const stub = botStub(bot.botId);
    const client = await openSocket(`/ws/external/bot/${bot.botId}`);
    // The authenticate arrived in time and its token check is still running (the D1 read is
    // slow) when the deadline comes: the socket stays open.
    const setPhase = (phase: string) =>
      runInDurableObject(stub, (_i, state) => {
        for (const ws of state.getWebSockets()) {
          ws.serializeAttachment({ ...(ws.deserializeAttachment() as object), phase });
        }
      });
    await setPhase("verifying");
    await elapse(stub, AUTH_MS);
    const open = await runInDurableObject(stub, (_i, state) =>
      state.getWebSockets().map((ws) => ws.readyState === WebSocket.OPEN),
    );
    expect(open).toEqual([true]);
    expect(client.closeEvent).toBeNull();
    // The check ends (here: as if it had not started) and the bot is let in.
    await setPhase("authenticating");
    client.send({ type: "authenticate", token: bot.token });
    expect(await client.next("the lobby hello")).toMatchObject({ type: "hello" });
  });

  it("reports the bot offline as soon as its lobby socket closes", async () => {
    const bot = await newBot();
    const stub = botStub(bot.botId);
    const { client } = await connectLobby(bot);
    expect(await stub.isOnline()).toBe(true);
    client.close();
    await waitInObject(
      stub,
      (state) => state.getWebSockets().every((ws) => ws.readyState !== WebSocket.OPEN),
      "the close to reach the object",
    );
    expect(await stub.isOnline()).toBe(false);
    // Nothing is left scheduled for a closed socket.
    const rows = await runInDurableObject(stub, (_i, state) =>
      state.storage.sql.exec("SELECT key FROM schedule").toArray(),
    );
    expect(rows).toEqual([]);
  });
});
