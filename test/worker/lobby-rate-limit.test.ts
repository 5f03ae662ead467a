// Proves the per-IP WebSocket connect limit (bot protocol §3.7, §4): past the configured
// number of upgrades per minute an IP's lobby and match upgrades are finished and closed
// 1008, the sentinel still echoed; other IPs and plain HTTP are unaffected.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fetchChecked } from "./contract-fetch";
import { connectLobby, freshIp, newBot, openSocket } from "./lobby-helpers";

const LIMIT = Number(env.WS_CONNECTS_PER_IP_PER_MINUTE);

describe("per-IP connect rate limit", () => {
  it("closes 1008 once an IP is over its per-minute budget, on both bot endpoints", async () => {
    const ip = freshIp();
    // Malformed bot ids are refused by the Worker without an object: cheap, but still counted.
    for (let i = 0; i < LIMIT; i += 1) {
      const client = await openSocket("/ws/external/bot/x", { ip });
      expect((await client.closed()).code).toBe(4001);
    }
    const bot = await newBot();
    const lobby = await openSocket(`/ws/external/bot/${bot.botId}`, {
      ip,
      protocols: `chipzen-bot-token, ${bot.token}`,
    });
    expect(await lobby.closed()).toEqual({ code: 1008, reason: "" });
    expect(lobby.protocol).toBe("chipzen-bot-token");
    const match = await openSocket(`/ws/external/match/${crypto.randomUUID()}/p_000000000000`, {
      ip,
      protocols: `chipzen-bot-token, ${bot.token}`,
    });
    expect((await match.closed()).code).toBe(1008);
    expect(match.protocol).toBe("chipzen-bot-token");

    // The count lives in the IP's object storage: evicting the object forgets nothing.
    await evictDurableObject(env.CONNECT_LIMITER.getByName(ip));
    const afterEviction = await openSocket(`/ws/external/bot/${bot.botId}`, { ip });
    expect((await afterEviction.closed()).code).toBe(1008);

    const elsewhere = await connectLobby(bot, { ip: freshIp() });
    expect(elsewhere.hello.type).toBe("hello");
    elsewhere.client.close();
  });

  it("forgets an IP once its window has run out, keeping it while it still counts", async () => {
    const ip = freshIp();
    await openSocket("/ws/external/bot/x", { ip });
    const limiter = env.CONNECT_LIMITER.getByName(ip);
    const keys = () =>
      runInDurableObject(limiter, (_i, state) => [...state.storage.kv.list()].length);
    expect(await runDurableObjectAlarm(limiter)).toBe(true);
    expect(await keys()).toBe(1);
    await runInDurableObject(limiter, (_i, state) => {
      const window = state.storage.kv.get<{ windowStart: number }>("window");
      state.storage.kv.put("window", { ...window, windowStart: Date.now() - 120_000 });
    });
    expect(await runDurableObjectAlarm(limiter)).toBe(true);
    expect(await keys()).toBe(0);
  });

  it("does not count plain HTTP requests", async () => {
    const ip = freshIp();
    for (let i = 0; i < LIMIT + 5; i += 1) {
      const res = await fetchChecked("http://botgate.test/ws/external/bot/x", {
        headers: { "cf-connecting-ip": ip },
      });
      expect(res.status).toBe(426);
    }
    const bot = await newBot();
    const { hello, client } = await connectLobby(bot, { ip });
    expect(hello.type).toBe("hello");
    client.close();
  });
});
