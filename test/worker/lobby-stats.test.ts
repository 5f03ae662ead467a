// Proves the lobby's admin read routes over the D1 match index: latency-stats percentiles over
// a bot's recent matches (bot protocol §8.2), a bot's match list, presence, and that none of
// them accepts a bot token.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { LATENCY_STATS_RECENT_MATCHES } from "../../src/api/external";
import { latencySampleStatements } from "../../src/lobby/match-index";
import { fetchChecked } from "./contract-fetch";
import { connectLobby, newBot } from "./lobby-helpers";

const ADMIN = "test-admin-token";

async function get(path: string, token = ADMIN) {
  const res = await fetchChecked(`http://botgate.test${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

let clock = Date.parse("2026-06-01T00:00:00.000Z");
/** A finished match between two bots in D1, as the match gateway records it. */
async function finishedMatch(seat0: string, seat1: string): Promise<string> {
  clock += 60_000;
  const id = crypto.randomUUID();
  const at = new Date(clock).toISOString();
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO matches (id, status, source, rated, config, created_at, ended_at) VALUES (?, 'completed', 'admin', 1, '{}', ?, ?)",
    ).bind(id, at, at),
    env.DB.prepare(
      "INSERT INTO participants (match_id, participant_id, seat, bot_id, net_chips, place) VALUES (?, 'p_000000000000', 0, ?, 100, 1)",
    ).bind(id, seat0),
    env.DB.prepare(
      "INSERT INTO participants (match_id, participant_id, seat, bot_id, net_chips, place) VALUES (?, 'p_000000000001', 1, ?, -100, 2)",
    ).bind(id, seat1),
  ]);
  return id;
}

const recordSamples = (matchId: string, seats: { botId: string; samplesMs: number[] }[]) =>
  env.DB.batch(latencySampleStatements(env.DB, matchId, new Date(clock).toISOString(), seats));

describe("latency-stats", () => {
  it("reports nearest-rank p50/p95/p99 over the bot's samples", async () => {
    const alpha = await newBot();
    const bravo = await newBot();
    const match = await finishedMatch(alpha.botId, bravo.botId);
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    await recordSamples(match, [
      { botId: alpha.botId, samplesMs: samples },
      { botId: bravo.botId, samplesMs: [5000] },
    ]);
    const res = await get(`/api/external-api/bots/${alpha.botId}/latency-stats`);
    expect(res).toEqual({
      status: 200,
      json: { bot_id: alpha.botId, sample_count: 100, p50_ms: 50, p95_ms: 95, p99_ms: 99 },
    });
  });

  it("answers nulls for a bot without samples and 400 for an unknown bot", async () => {
    const bot = await newBot();
    expect((await get(`/api/external-api/bots/${bot.botId}/latency-stats`)).json).toEqual({
      bot_id: bot.botId,
      sample_count: 0,
      p50_ms: null,
      p95_ms: null,
      p99_ms: null,
    });
    const unknown = await get(`/api/external-api/bots/${crypto.randomUUID()}/latency-stats`);
    expect([unknown.status, unknown.json.error_code]).toEqual([400, "BOT_NOT_FOUND"]);
  });

  it("only counts the most recent matches", async () => {
    const alpha = await newBot();
    const bravo = await newBot();
    const old = await finishedMatch(alpha.botId, bravo.botId);
    await recordSamples(old, [{ botId: alpha.botId, samplesMs: [9999] }]);
    for (let i = 0; i < LATENCY_STATS_RECENT_MATCHES; i += 1) {
      const id = await finishedMatch(alpha.botId, bravo.botId);
      await recordSamples(id, [{ botId: alpha.botId, samplesMs: [10] }]);
    }
    const res = await get(`/api/external-api/bots/${alpha.botId}/latency-stats`);
    expect(res.json).toMatchObject({ sample_count: LATENCY_STATS_RECENT_MATCHES, p99_ms: 10 });
  });

  it("keeps no samples of a match the registry does not hold", async () => {
    const alpha = await newBot();
    const unknown = crypto.randomUUID();
    await recordSamples(unknown, [{ botId: alpha.botId, samplesMs: [10] }]);
    const row = await env.DB.prepare(
      "SELECT count(*) AS n FROM decision_latency WHERE match_id = ?",
    )
      .bind(unknown)
      .first<{ n: number }>();
    expect(row?.n).toBe(0);
    expect((await get(`/api/external-api/bots/${alpha.botId}/latency-stats`)).json).toMatchObject({
      sample_count: 0,
    });
  });

  it("refuses a bot token", async () => {
    const bot = await newBot();
    const res = await get(`/api/external-api/bots/${bot.botId}/latency-stats`, bot.token);
    expect(res.status).toBe(401);
  });
});

describe("GET /api/bots/{id}/matches", () => {
  it("lists the bot's matches newest first with seat, result and opponents", async () => {
    const alpha = await newBot();
    const bravo = await newBot();
    const first = await finishedMatch(alpha.botId, bravo.botId);
    const second = await finishedMatch(bravo.botId, alpha.botId);
    const res = await get(`/api/bots/${alpha.botId}/matches`);
    expect(res.status).toBe(200);
    const matches = res.json.matches as Array<Record<string, unknown>>;
    expect(matches.map((m) => m.match_id)).toEqual([second, first]);
    expect(matches[1]).toMatchObject({
      status: "completed",
      rated: true,
      seat: 0,
      net_chips: 100,
      place: 1,
      opponents: [{ bot_id: bravo.botId, seat: 1, name: expect.any(String) }],
    });
    const limited = await get(`/api/bots/${alpha.botId}/matches?limit=1`);
    expect((limited.json.matches as unknown[]).length).toBe(1);
  });

  it("validates the limit and refuses bot tokens", async () => {
    const bot = await newBot();
    expect((await get(`/api/bots/${bot.botId}/matches?limit=0`)).status).toBe(400);
    expect((await get(`/api/bots/${bot.botId}/matches?limit=abc`)).status).toBe(400);
    expect((await get(`/api/bots/${bot.botId}/matches?sort=x`)).status).toBe(400);
    expect((await get(`/api/bots/${bot.botId}/matches`, bot.token)).status).toBe(401);
  });
});

describe("GET /api/bots/{id}/presence", () => {
  it("follows the lobby", async () => {
    const bot = await newBot();
    expect((await get(`/api/bots/${bot.botId}/presence`)).json).toEqual({
      bot_id: bot.botId,
      online: false,
    });
    const { client } = await connectLobby(bot);
    expect((await get(`/api/bots/${bot.botId}/presence`)).json.online).toBe(true);
    client.close();
  });
});
