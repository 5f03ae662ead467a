// Proves one lobby per bot (bot protocol §3.4): a newer authenticated connection sends the
// older one `evict` and closes it 4000 "Replaced by new connection"; the newer one plays on.
import { describe, expect, it } from "vitest";
import { botStub, connectLobby, elapse, newBot, openSocket } from "./lobby-helpers";

describe("one lobby per bot", () => {
  it("evicts the older lobby when a newer one authenticates", async () => {
    const bot = await newBot();
    const older = await connectLobby(bot);
    const newer = await connectLobby(bot);
    expect(newer.hello.type).toBe("hello");
    expect(await older.client.next("the evict frame")).toEqual({
      type: "evict",
      reason: "replaced",
    });
    expect(await older.client.closed()).toEqual({
      code: 4000,
      reason: "Replaced by new connection",
    });
    expect(newer.client.closeEvent).toBeNull();
    expect(await botStub(bot.botId).isOnline()).toBe(true);
    newer.client.close();
  });

  it("keeps only the newest lobby's heartbeat", async () => {
    const bot = await newBot();
    const stub = botStub(bot.botId);
    const older = await connectLobby(bot);
    const newer = await connectLobby(bot);
    await older.client.closed();
    await elapse(stub, 15_000);
    expect(await newer.client.next("a ping on the newer lobby")).toEqual({ type: "ping" });
    expect(older.client.frames.filter((f) => f.type === "ping")).toEqual([]);
    newer.client.close();
  });

  it("leaves the lobby alone while a second socket has not authenticated", async () => {
    const bot = await newBot();
    const online = await connectLobby(bot);
    const pending = await openSocket(`/ws/external/bot/${bot.botId}`);
    pending.send({ type: "authenticate", token: "cz_extbot_wrongwrongwrongwrongwrongwrong12" });
    expect((await pending.closed()).code).toBe(4001);
    expect(online.client.closeEvent).toBeNull();
    expect(online.client.unread).toEqual([]);
    expect(await botStub(bot.botId).isOnline()).toBe(true);
    online.client.close();
  });
});
