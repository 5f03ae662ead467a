// Proves durable `matched` delivery (bot protocol §3.5, §3.6): pushed live with every field,
// stored before the push, re-sent with resume:true at the end of every lobby connect's settle
// window — after a plain reconnect, after the object was evicted (evictDurableObject) and
// after a reset of every object (abortAllDurableObjects, a restart with storage kept) — and
// forgotten at match end. (These notices name no real match: the seat rule is proven in
// lobby-resume.test.ts.)
import { abortAllDurableObjects, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { MatchedNotice } from "../../src/lobby/matched-notices";
import { botStub, connectLobby, elapse, newBot, openSocket, SETTLE_MS } from "./lobby-helpers";

function notice(overrides: Partial<MatchedNotice> = {}): MatchedNotice {
  const matchId = crypto.randomUUID();
  const participantId = `p_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  return {
    match_id: matchId,
    participant_id: participantId,
    gateway_ws_url: `/ws/external/match/${matchId}/${participantId}`,
    rated: false,
    decision_timeout_ms: 30_000,
    ...overrides,
  };
}

describe("matched notices", () => {
  it("pushes matched live with every field and no resume flag", async () => {
    const bot = await newBot();
    const { client } = await connectLobby(bot);
    const seat = notice();
    expect(await botStub(bot.botId).notifyMatched(seat)).toEqual({ pushed: true });
    expect(await client.next("the matched frame")).toEqual({ type: "matched", ...seat });
    client.close();
  });

  it("omits decision_timeout_ms when the match keeps its own clock", async () => {
    const bot = await newBot();
    const { client } = await connectLobby(bot);
    const { decision_timeout_ms: _omitted, ...seat } = notice({ rated: true });
    await botStub(bot.botId).notifyMatched(seat);
    const frame = await client.next("the matched frame");
    expect(frame).toEqual({ type: "matched", ...seat });
    expect("decision_timeout_ms" in frame).toBe(false);
    client.close();
  });

  it("stores a notice for an offline bot and delivers it with resume:true on connect", async () => {
    const bot = await newBot();
    const seat = notice();
    expect(await botStub(bot.botId).notifyMatched(seat)).toEqual({ pushed: false });
    const { client, hello } = await connectLobby(bot);
    expect(hello.type).toBe("hello");
    await elapse(botStub(bot.botId), SETTLE_MS);
    expect(await client.next("the resumed matched")).toEqual({
      type: "matched",
      ...seat,
      resume: true,
    });
    client.close();
  });

  it("re-sends every in-flight match after a reconnect, oldest first, until it ends", async () => {
    const bot = await newBot();
    const stub = botStub(bot.botId);
    const first = await connectLobby(bot);
    const a = notice();
    const b = notice({ rated: true });
    await stub.notifyMatched(a);
    await stub.notifyMatched(b);
    await first.client.next("matched a");
    await first.client.next("matched b");
    first.client.close();

    const second = await connectLobby(bot);
    await elapse(stub, SETTLE_MS);
    expect(await second.client.next("resume a")).toEqual({ type: "matched", ...a, resume: true });
    expect(await second.client.next("resume b")).toEqual({ type: "matched", ...b, resume: true });
    second.client.close();

    await stub.matchEnded(a.match_id);
    await stub.matchEnded(a.match_id); // idempotent
    const third = await connectLobby(bot);
    await elapse(stub, SETTLE_MS);
    expect(await third.client.next("resume b only")).toEqual({
      type: "matched",
      ...b,
      resume: true,
    });
    await stub.matchEnded(b.match_id);
    const fourth = await connectLobby(bot);
    await elapse(stub, 15_000);
    expect(await fourth.client.next("a ping, no resume")).toEqual({ type: "ping" });
    fourth.client.close();
  });

  it("refuses a malformed notice without storing it", async () => {
    const bot = await newBot();
    const stub = botStub(bot.botId);
    const bad = { ...notice(), gateway_ws_url: "wss://elsewhere.example/x" };
    const outcome = await stub.notifyMatched(bad).then(
      () => "stored",
      (err: unknown) => String(err),
    );
    expect(outcome).toContain("gateway_ws_url");
    const { client } = await connectLobby(bot);
    await elapse(stub, 15_000);
    expect(await client.next("a ping, no resume")).toEqual({ type: "ping" });
    client.close();
  });
});

describe("the bot object after eviction and restart", () => {
  it("keeps a hibernated lobby working: matched is pushed and the heartbeat runs", async () => {
    const bot = await newBot();
    const stub = botStub(bot.botId);
    const { client } = await connectLobby(bot);
    await evictDurableObject(stub);
    expect(await stub.isOnline()).toBe(true);
    const seat = notice();
    expect(await stub.notifyMatched(seat)).toEqual({ pushed: true });
    expect(await client.next("matched after eviction")).toEqual({ type: "matched", ...seat });
    await evictDurableObject(stub);
    await elapse(stub, 15_000);
    expect(await client.next("a ping after eviction")).toEqual({ type: "ping" });
    client.send({ type: "pong" });
    await evictDurableObject(stub);
    await elapse(stub, 5000);
    expect(client.closeEvent).toBeNull();
    client.close();
  });

  it("finishes an authentication that started before an eviction", async () => {
    const bot = await newBot();
    const stub = botStub(bot.botId);
    const client = await openSocket(`/ws/external/bot/${bot.botId}`);
    await evictDurableObject(stub);
    client.send({ type: "authenticate", token: bot.token });
    expect((await client.next("the hello after eviction")).type).toBe("hello");
    client.close();
  });

  it("re-sends matched with resume:true after the object was evicted", async () => {
    const bot = await newBot();
    const stub = botStub(bot.botId);
    const first = await connectLobby(bot);
    const seat = notice();
    await stub.notifyMatched(seat);
    await first.client.next("matched");
    await evictDurableObject(stub, { webSockets: "close" });
    expect(await stub.isOnline()).toBe(false);
    const second = await connectLobby(bot);
    await elapse(stub, SETTLE_MS);
    expect(await second.client.next("resume")).toEqual({ type: "matched", ...seat, resume: true });
    second.client.close();
  });

  it("re-sends matched with resume:true after every object was reset (storage kept)", async () => {
    const bot = await newBot();
    const stub = botStub(bot.botId);
    await connectLobby(bot);
    const seat = notice({ rated: true });
    await stub.notifyMatched(seat);
    await abortAllDurableObjects();
    expect(await botStub(bot.botId).isOnline()).toBe(false);
    const after = await connectLobby(bot);
    await elapse(botStub(bot.botId), SETTLE_MS);
    expect(await after.client.next("resume after reset")).toEqual({
      type: "matched",
      ...seat,
      resume: true,
    });
    after.client.close();
  });
});
