// Proves the matchmaking queue (bot protocol §8.1) inside workerd: join/status/leave answers,
// FIFO positions, pairing two online external bots into a rated 30 s match announced on both
// lobbies, an offline or capped side kept in line and paired on the alarm's retry, TTL expiry
// reported once, idempotent leave, house/system bots refused, and eviction of the
// matchmaker mid-flow.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { MATCHMAKING_QUEUE } from "../../src/lobby/matchmaker-object";
import { createBot } from "../../src/registry/bots";
import { issueToken } from "../../src/registry/tokens";
import { call, connectLobby, elapseQueue, newBot } from "./lobby-helpers";

const JOIN = "/api/external-api/matchmaking/join";
const STATUS = "/api/external-api/matchmaking/status";
const LEAVE = "/api/external-api/matchmaking/leave";
const TTL_SECONDS = Number(env.MATCHMAKING_QUEUE_TTL_SECONDS);
const RETRY_MS = Number(env.MATCHMAKING_RETRY_MS);

function matchmaker() {
  return env.MATCHMAKER.getByName(MATCHMAKING_QUEUE);
}

// Every test starts from an empty queue: the queue object is shared by name.
beforeEach(async () => {
  await runInDurableObject(matchmaker(), (_i, state) => {
    for (const table of ["queue", "timed_out", "schedule"]) {
      state.storage.sql.exec(`DELETE FROM ${table}`);
    }
  });
});

describe("matchmaking queue", () => {
  it("queues a lone bot with its position, then reports it on status", async () => {
    const bot = await newBot();
    const join = await call("POST", JOIN, { body: {}, token: bot.token });
    expect(join).toEqual({
      status: 200,
      json: { status: "queued", position: 1, queue_ttl_seconds: TTL_SECONDS, rated: true },
    });
    const status = await call("GET", STATUS, { token: bot.token });
    expect(status.json).toEqual({ status: "queued", position: 1, waiting_seconds: 0 });
    const again = await call("POST", JOIN, { token: bot.token });
    expect(again.json).toEqual(join.json);
  });

  it("keeps FIFO positions and moves everyone up when one leaves", async () => {
    const bots = [await newBot(), await newBot(), await newBot()];
    for (const [i, bot] of bots.entries()) {
      const join = await call("POST", JOIN, { token: bot.token });
      expect(join.json.position).toBe(i + 1);
    }
    expect((await call("POST", LEAVE, { token: bots[0]?.token ?? "" })).json).toEqual({
      status: "left",
    });
    expect((await call("GET", STATUS, { token: bots[2]?.token ?? "" })).json.position).toBe(2);
  });

  it("pairs two online bots into a rated 30 s match announced on both lobbies", async () => {
    const alpha = await newBot();
    const bravo = await newBot();
    const a = await connectLobby(alpha);
    const b = await connectLobby(bravo);
    expect((await call("POST", JOIN, { token: alpha.token })).json.status).toBe("queued");
    const paired = await call("POST", JOIN, { token: bravo.token });
    expect(paired.json).toEqual({
      status: "matched",
      position: null,
      queue_ttl_seconds: TTL_SECONDS,
      rated: true,
    });
    const fa = await a.client.next("matched for alpha");
    const fb = await b.client.next("matched for bravo");
    expect(fa).toMatchObject({ type: "matched", rated: true, decision_timeout_ms: 30_000 });
    expect(fb).toMatchObject({ type: "matched", rated: true, decision_timeout_ms: 30_000 });
    expect(fa.match_id).toBe(fb.match_id);
    expect(fa.participant_id).not.toBe(fb.participant_id);
    expect(fa.gateway_ws_url).toBe(`/ws/external/match/${fa.match_id}/${fa.participant_id}`);
    const row = await env.DB.prepare("SELECT source, rated FROM matches WHERE id = ?")
      .bind(fa.match_id)
      .first();
    expect(row).toEqual({ source: "matchmaking", rated: 1 });
    for (const bot of [alpha, bravo]) {
      expect((await call("GET", STATUS, { token: bot.token })).json).toEqual({
        status: "idle",
        position: null,
        waiting_seconds: 0,
      });
    }
    a.client.close();
    b.client.close();
  });

  it("keeps an offline side in line and pairs it on the retry once it is online", async () => {
    const online = await newBot();
    const offline = await newBot();
    const a = await connectLobby(online);
    await call("POST", JOIN, { token: offline.token });
    const join = await call("POST", JOIN, { token: online.token });
    expect(join.json).toMatchObject({ status: "queued", position: 2 });
    expect((await call("GET", STATUS, { token: offline.token })).json.position).toBe(1);
    const b = await connectLobby(offline);
    await elapseQueue(RETRY_MS);
    const fa = await a.client.next("matched after the retry");
    const fb = await b.client.next("matched after the retry");
    expect(fa.match_id).toBe(fb.match_id);
    expect((await call("GET", STATUS, { token: online.token })).json.status).toBe("idle");
    a.client.close();
    b.client.close();
  });

  it("skips a capped bot but keeps its place, pairing the next eligible ones", async () => {
    const capped = await newBot();
    const alpha = await newBot();
    const bravo = await newBot();
    await env.DB.prepare("UPDATE tokens SET max_concurrent_matches = 0 WHERE id = ?")
      .bind(capped.tokenId)
      .run();
    const lobbies = [
      await connectLobby(capped),
      await connectLobby(alpha),
      await connectLobby(bravo),
    ];
    await call("POST", JOIN, { token: capped.token });
    await call("POST", JOIN, { token: alpha.token });
    expect((await call("POST", JOIN, { token: bravo.token })).json.status).toBe("matched");
    expect((await call("GET", STATUS, { token: capped.token })).json).toMatchObject({
      status: "queued",
      position: 1,
    });
    expect(lobbies[0]?.client.unread).toEqual([]);
    for (const lobby of lobbies) lobby.client.close();
  });

  it("times out after queue_ttl_seconds, reports timed_out once, then idle", async () => {
    const bot = await newBot();
    await call("POST", JOIN, { token: bot.token });
    await elapseQueue(TTL_SECONDS * 1000 - 1000);
    expect((await call("GET", STATUS, { token: bot.token })).json.status).toBe("queued");
    await elapseQueue(1000);
    expect((await call("GET", STATUS, { token: bot.token })).json).toEqual({
      status: "timed_out",
      position: null,
      waiting_seconds: TTL_SECONDS,
    });
    expect((await call("GET", STATUS, { token: bot.token })).json.status).toBe("idle");
    const rejoin = await call("POST", JOIN, { token: bot.token });
    expect(rejoin.json).toMatchObject({ status: "queued", position: 1 });
  });

  it("leaves idempotently", async () => {
    const bot = await newBot();
    expect((await call("POST", LEAVE, { token: bot.token })).json).toEqual({
      status: "not_queued",
    });
    await call("POST", JOIN, { token: bot.token });
    expect((await call("POST", LEAVE, { body: {}, token: bot.token })).json).toEqual({
      status: "left",
    });
    expect((await call("POST", LEAVE, { token: bot.token })).json).toEqual({
      status: "not_queued",
    });
    expect((await call("GET", STATUS, { token: bot.token })).json.status).toBe("idle");
  });

  it("refuses system-owned bots with 403 EXTAPI_MATCHMAKING_INELIGIBLE", async () => {
    const system = await createBot(env.DB, `system-${crypto.randomUUID().slice(0, 8)}`, "system");
    if (!system) throw new Error("bot name collision");
    const { token } = await issueToken(env.DB, system.id);
    const house = await issueToken(env.DB, "00000000-0000-4000-8000-000000000001");
    for (const credential of [token, house.token]) {
      const res = await call("POST", JOIN, { token: credential });
      expect([res.status, res.json.error_code]).toEqual([403, "EXTAPI_MATCHMAKING_INELIGIBLE"]);
    }
  });

  it("accepts only bot tokens and strict empty bodies", async () => {
    const bot = await newBot();
    for (const [method, path] of [
      ["POST", JOIN],
      ["GET", STATUS],
      ["POST", LEAVE],
    ] as const) {
      expect((await call(method, path)).status).toBe(401);
      expect((await call(method, path, { token: null })).status).toBe(401);
    }
    const unknown = await call("POST", JOIN, { body: { queue: "x" }, token: bot.token });
    expect([unknown.status, unknown.json.error_code]).toEqual([400, "UNKNOWN_FIELD"]);
  });

  it("keeps its queue and timers when the matchmaker is evicted mid-flow", async () => {
    const alpha = await newBot();
    const bravo = await newBot();
    const a = await connectLobby(alpha);
    await call("POST", JOIN, { token: alpha.token });
    await evictDurableObject(matchmaker());
    expect((await call("GET", STATUS, { token: alpha.token })).json.position).toBe(1);
    await call("POST", JOIN, { token: bravo.token });
    await evictDurableObject(matchmaker());
    const b = await connectLobby(bravo);
    await elapseQueue(RETRY_MS);
    expect((await a.client.next("matched after eviction")).type).toBe("matched");
    expect((await b.client.next("matched after eviction")).type).toBe("matched");
    a.client.close();
    b.client.close();
  });
});
