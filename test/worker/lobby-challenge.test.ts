// Proves the house-bot challenge (bot protocol §8.1) inside workerd: the exact 200 answer, the
// `matched` it pushes on the lobby (unrated, 30 s clock, path URL), the opponent selector, the
// bot_id cross-check, strict bodies, 409 offline, 429 at the token cap and its release at
// match end, and that only bot tokens are accepted — plus `matched` on admin dispatches.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { botStub, call, connectLobby, newBot, waitInObject } from "./lobby-helpers";

const CHALLENGE = "/api/external-api/challenges/house-bot";
const HOUSE_DEFAULT = { id: "00000000-0000-4000-8000-000000000001", name: "house-calling-station" };
const HOUSE_RANDOM = { id: "00000000-0000-4000-8000-000000000002", name: "house-random" };

async function setCap(tokenId: string, cap: number): Promise<void> {
  await env.DB.prepare("UPDATE tokens SET max_concurrent_matches = ? WHERE id = ?")
    .bind(cap, tokenId)
    .run();
}

describe("POST /challenges/house-bot", () => {
  it("dispatches against the earliest house bot and pushes matched on the lobby", async () => {
    const bot = await newBot();
    const { client } = await connectLobby(bot);
    const res = await call("POST", CHALLENGE, { body: {}, token: bot.token });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      match_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      participant_id: expect.stringMatching(/^p_[0-9a-f]{12}$/),
      status: "dispatching",
      gateway_ws_url: null,
      opponent: HOUSE_DEFAULT.name,
      opponent_bot_id: HOUSE_DEFAULT.id,
      rated: false,
      decision_timeout_ms: 30_000,
    });
    const matchId = res.json.match_id as string;
    const participantId = res.json.participant_id as string;
    expect(await client.next("the matched frame")).toEqual({
      type: "matched",
      match_id: matchId,
      participant_id: participantId,
      gateway_ws_url: `/ws/external/match/${matchId}/${participantId}`,
      rated: false,
      decision_timeout_ms: 30_000,
    });
    const stored = await env.DB.prepare(
      "SELECT m.source, m.rated, p.token_id FROM matches m JOIN participants p ON p.match_id = m.id WHERE m.id = ? AND p.bot_id = ?",
    )
      .bind(matchId, bot.botId)
      .first();
    expect(stored).toEqual({ source: "challenge", rated: 0, token_id: bot.tokenId });
    client.close();
  });

  it("accepts an empty body and resolves the opponent by name or id", async () => {
    const bot = await newBot();
    const { client } = await connectLobby(bot);
    const empty = await call("POST", CHALLENGE, { token: bot.token });
    expect(empty.status).toBe(200);
    const byName = await call("POST", CHALLENGE, {
      body: { opponent: HOUSE_RANDOM.name, bot_id: bot.botId },
      token: bot.token,
    });
    expect(byName.json).toMatchObject({
      opponent: HOUSE_RANDOM.name,
      opponent_bot_id: HOUSE_RANDOM.id,
    });
    const byId = await call("POST", CHALLENGE, {
      body: { opponent: HOUSE_RANDOM.id },
      token: bot.token,
    });
    expect(byId.json).toMatchObject({ opponent: HOUSE_RANDOM.name });
    client.close();
  });

  it("answers 400 EXTAPI_HOUSE_BOT_NOT_FOUND when the opponent is not a house bot", async () => {
    const bot = await newBot();
    const other = await newBot();
    const { client } = await connectLobby(bot);
    for (const opponent of ["nobody", other.botId, crypto.randomUUID()]) {
      const res = await call("POST", CHALLENGE, { body: { opponent }, token: bot.token });
      expect([res.status, res.json.error_code]).toEqual([400, "EXTAPI_HOUSE_BOT_NOT_FOUND"]);
    }
    expect(client.unread).toEqual([]);
    client.close();
  });

  it("sets the decision clock from turn_timeout_ms (botgate addition) and refuses one out of bounds", async () => {
    const bot = await newBot();
    const { client } = await connectLobby(bot);
    const res = await call("POST", CHALLENGE, {
      body: { turn_timeout_ms: 120_000 },
      token: bot.token,
    });
    expect(res.json).toMatchObject({ status: "dispatching", decision_timeout_ms: 120_000 });
    expect(await client.next("the matched frame")).toMatchObject({
      type: "matched",
      match_id: res.json.match_id,
      decision_timeout_ms: 120_000,
    });
    const stored = await env.DB.prepare("SELECT config FROM matches WHERE id = ?")
      .bind(res.json.match_id)
      .first<{ config: string }>();
    expect(JSON.parse(stored?.config ?? "{}")).toMatchObject({ turn_timeout_ms: 120_000 });
    for (const turn_timeout_ms of [999, 600_001, 1500.5, "60000"]) {
      const bad = await call("POST", CHALLENGE, { body: { turn_timeout_ms }, token: bot.token });
      expect([bad.status, bad.json.error_code]).toEqual([400, "INVALID_BODY"]);
    }
    client.close();
  });

  it("plays a fast challenge (botgate addition) without think time or jitter, and refuses a non-boolean", async () => {
    const bot = await newBot();
    const { client } = await connectLobby(bot);
    const res = await call("POST", CHALLENGE, { body: { fast: true }, token: bot.token });
    expect(res.json).toMatchObject({ status: "dispatching", decision_timeout_ms: 30_000 });
    await client.next("the matched frame");
    const stored = await env.DB.prepare("SELECT config FROM matches WHERE id = ?")
      .bind(res.json.match_id)
      .first<{ config: string }>();
    expect(JSON.parse(stored?.config ?? "{}")).toMatchObject({
      house_think_ms: 0,
      jitter_min_ms: 0,
      jitter_max_ms: 0,
      max_messages_per_second: 200,
      turn_timeout_ms: 30_000,
      rated: false,
    });
    for (const fast of ["yes", 1, null]) {
      const bad = await call("POST", CHALLENGE, { body: { fast }, token: bot.token });
      expect([bad.status, bad.json.error_code]).toEqual([400, "INVALID_BODY"]);
    }
    client.close();
  });

  it("answers 401 for a bot_id that is not the token's bot, and for non-bot credentials", async () => {
    const bot = await newBot();
    const other = await newBot();
    await connectLobby(bot);
    const mismatch = await call("POST", CHALLENGE, {
      body: { bot_id: other.botId },
      token: bot.token,
    });
    expect([mismatch.status, mismatch.json.error_code]).toEqual([401, "UNAUTHORIZED"]);
    for (const token of [null, "test-admin-token", "cz_extbot_nope"]) {
      expect((await call("POST", CHALLENGE, { body: {}, token })).status).toBe(401);
    }
  });

  it("rejects unknown fields and malformed bodies with 400", async () => {
    const bot = await newBot();
    await connectLobby(bot);
    const unknown = await call("POST", CHALLENGE, { body: { rated: true }, token: bot.token });
    expect([unknown.status, unknown.json.error_code]).toEqual([400, "UNKNOWN_FIELD"]);
    const malformed = await call("POST", CHALLENGE, { body: "{", token: bot.token });
    expect([malformed.status, malformed.json.error_code]).toEqual([400, "MALFORMED_JSON"]);
    const wrongType = await call("POST", CHALLENGE, { body: { opponent: 7 }, token: bot.token });
    expect([wrongType.status, wrongType.json.error_code]).toEqual([400, "INVALID_BODY"]);
  });

  it("answers 409 EXT_BOT_OFFLINE when the bot is not in the lobby", async () => {
    const bot = await newBot();
    const res = await call("POST", CHALLENGE, { body: {}, token: bot.token });
    expect([res.status, res.json.error_code]).toEqual([409, "EXT_BOT_OFFLINE"]);
    const { client } = await connectLobby(bot);
    client.close();
    await waitInObject(
      botStub(bot.botId),
      (state) => state.getWebSockets().every((ws) => ws.readyState !== WebSocket.OPEN),
      "the lobby close to reach the object",
    );
    const afterClose = await call("POST", CHALLENGE, { body: {}, token: bot.token });
    expect(afterClose.status).toBe(409);
  });

  it("answers 429 at the token's cap and frees the slot when a match finalizes", async () => {
    const bot = await newBot();
    await setCap(bot.tokenId, 1);
    const { client } = await connectLobby(bot);
    const first = await call("POST", CHALLENGE, { body: {}, token: bot.token });
    expect(first.status).toBe(200);
    const capped = await call("POST", CHALLENGE, { body: {}, token: bot.token });
    expect([capped.status, capped.json.error_code]).toEqual([429, "TOKEN_AT_CONCURRENT_MATCH_CAP"]);
    await env.DB.prepare("UPDATE matches SET status = 'completed' WHERE id = ?")
      .bind(first.json.match_id)
      .run();
    expect((await call("POST", CHALLENGE, { body: {}, token: bot.token })).status).toBe(200);
    client.close();
  });

  it("never lets simultaneous challenges exceed the cap: exactly one gets the last slot", async () => {
    const bot = await newBot();
    await setCap(bot.tokenId, 1);
    const { client } = await connectLobby(bot);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => call("POST", CHALLENGE, { body: {}, token: bot.token })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 429, 429, 429, 429]);
    for (const refused of answers.filter((a) => a.status === 429)) {
      expect(refused.json.error_code).toBe("TOKEN_AT_CONCURRENT_MATCH_CAP");
    }
    const live = await env.DB.prepare(
      `SELECT count(*) AS n FROM participants p JOIN matches m ON m.id = p.match_id
       WHERE p.token_id = ? AND m.status IN ('dispatching', 'live')`,
    )
      .bind(bot.tokenId)
      .first<{ n: number }>();
    expect(live?.n).toBe(1);
    client.close();
  });

  it("counts the cap per token: another token of the same bot has its own", async () => {
    const bot = await newBot();
    await setCap(bot.tokenId, 0);
    const { client } = await connectLobby(bot);
    const capped = await call("POST", CHALLENGE, { body: {}, token: bot.token });
    expect(capped.status).toBe(429);
    const second = await call("POST", `/api/external-api/bots/${bot.botId}/tokens`);
    const res = await call("POST", CHALLENGE, {
      body: {},
      token: second.json.token as string,
    });
    expect(res.status).toBe(200);
    client.close();
  });
});

describe("matched on admin dispatches", () => {
  it("announces both external seats without decision_timeout_ms (the match keeps its clock)", async () => {
    const alpha = await newBot();
    const bravo = await newBot();
    const a = await connectLobby(alpha);
    const b = await connectLobby(bravo);
    const res = await call("POST", "/api/matches", {
      body: { bots: [alpha.botId, bravo.botId], config: { rated: true } },
    });
    expect(res.status).toBe(201);
    const seats = res.json.seats as Array<{
      bot_id: string;
      participant_id: string;
      gateway_ws_url: string;
    }>;
    for (const [lobby, botId] of [
      [a.client, alpha.botId],
      [b.client, bravo.botId],
    ] as const) {
      const seat = seats.find((s) => s.bot_id === botId);
      expect(await lobby.next("matched")).toEqual({
        type: "matched",
        match_id: res.json.match_id,
        participant_id: seat?.participant_id,
        gateway_ws_url: seat?.gateway_ws_url,
        rated: true,
      });
    }
    a.client.close();
    b.client.close();
  });
});
