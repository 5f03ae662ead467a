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

    const elsewhere = await connectLobby(bot, { ip: freshIp() });
    expect(elsewhere.hello.type).toBe("hello");
    elsewhere.client.close();
  });

  it("counts in memory: nothing stored, and an evicted limiter starts the IP afresh", async () => {
    const ip = freshIp();
    const limiter = env.CONNECT_LIMITER.getByName(ip);
    for (let i = 0; i < LIMIT; i += 1) await openSocket("/ws/external/bot/x", { ip });
    const over = await openSocket("/ws/external/bot/x", { ip });
    expect((await over.closed()).code).toBe(1008);
    expect(await runInDurableObject(limiter, (_i, state) => [...state.storage.kv.list()])).toEqual(
      [],
    );
    expect(await runDurableObjectAlarm(limiter)).toBe(false);
    // Evicted mid-window (on Cloudflare only after idling longer than the window): a fresh
    // window, and the limit holds again once it is spent.
    await evictDurableObject(limiter);
    for (let i = 0; i < LIMIT; i += 1) {
      const client = await openSocket("/ws/external/bot/x", { ip });
      expect((await client.closed()).code).toBe(4001);
    }
    expect((await (await openSocket("/ws/external/bot/x", { ip })).closed()).code).toBe(1008);
  });

  it("clears a window an earlier version stored, at its alarm", async () => {
    const limiter = env.CONNECT_LIMITER.getByName(freshIp());
    await runInDurableObject(limiter, async (_i, state) => {
      state.storage.kv.put("window", { windowStart: Date.now(), previous: 0, current: 3 });
      await state.storage.setAlarm(Date.now() + 120_000);
    });
    expect(await runDurableObjectAlarm(limiter)).toBe(true);
    expect(await runInDurableObject(limiter, (_i, state) => [...state.storage.kv.list()])).toEqual(
      [],
    );
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
