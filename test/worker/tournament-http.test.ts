// Proves the tournament and rating HTTP routes inside workerd: every refusal of a create
// (absurd configs, contradictions, wrong credentials) is a documented 400/401 that leaves no
// row and no object; entries (duplicate, after the start, full, revoked token, unknown
// tournament, system bot); list, get and cancel; and the public leaderboard and rating
// reads with their pagination, fed by rating updates applied once per match id even when
// retried or racing.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { applyRatedMatch } from "../../src/ratings/store";
import { createBot } from "../../src/registry/bots";
import { issueToken, revokeToken } from "../../src/registry/tokens";
import { call, newBot } from "./lobby-helpers";
import { createTournament, enter, settle, tournamentStub } from "./tournament-helpers";

const later = () => new Date(Date.now() + 3600_000).toISOString();

async function tournamentCount(): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM tournaments").first<{ n: number }>();
  return row?.n ?? 0;
}

describe("POST /api/tournaments", () => {
  const base = { name: "t", format: "round_robin", starts_at: later() };
  const refused: [string, Record<string, unknown>, string][] = [
    ["10,000 Swiss rounds", { ...base, format: "swiss", rounds: 10_000 }, "INVALID_BODY"],
    ["a 0 s check-in", { ...base, check_in_seconds: 0 }, "INVALID_BODY"],
    ["a day-long check-in", { ...base, check_in_seconds: 86_400 }, "INVALID_BODY"],
    ["1,000 entrants", { ...base, max_entrants: 1000 }, "INVALID_BODY"],
    ["one entrant at most", { ...base, max_entrants: 1 }, "INVALID_BODY"],
    ["an unknown format", { ...base, format: "ladder" }, "INVALID_BODY"],
    ["an empty name", { ...base, name: "   " }, "INVALID_BODY"],
    ["a start that is not a time", { ...base, starts_at: "tomorrow" }, "INVALID_BODY"],
    ["a start in the past", { ...base, starts_at: "2020-01-01T00:00:00Z" }, "INVALID_TOURNAMENT"],
    ["a start a year ahead", { ...base, starts_at: "2099-01-01T00:00:00Z" }, "INVALID_TOURNAMENT"],
    ["a Swiss without rounds", { ...base, format: "swiss" }, "INVALID_TOURNAMENT"],
    ["rounds on a knockout", { ...base, format: "knockout", rounds: 3 }, "INVALID_TOURNAMENT"],
    [
      "rated inside the match config",
      { ...base, match_config: { rated: true } },
      "INVALID_TOURNAMENT",
    ],
    [
      "blinds the wrong way round",
      { ...base, match_config: { small_blind: 50, big_blind: 10 } },
      "INVALID_TOURNAMENT",
    ],
    ["a turn clock under 1 s", { ...base, match_config: { turn_timeout_ms: 10 } }, "INVALID_BODY"],
    ["an unknown field", { ...base, prize: 100 }, "UNKNOWN_FIELD"],
    ["a missing format", { name: "t" }, "INVALID_BODY"],
  ];
  for (const [what, body, code] of refused) {
    it(`refuses ${what} with 400 ${code} and creates nothing`, async () => {
      const before = await tournamentCount();
      const res = await call("POST", "/api/tournaments", { body });
      expect(res.status).toBe(400);
      expect(res.json.error_code).toBe(code);
      expect(await tournamentCount()).toBe(before);
    });
  }

  it("refuses a bot token and no credential with 401", async () => {
    const bot = await newBot();
    for (const token of [bot.token, null]) {
      const res = await call("POST", "/api/tournaments", { body: base, token });
      expect(res.status).toBe(401);
    }
  });

  it("creates a scheduled tournament with its defaults, listed and readable by anyone", async () => {
    const t = await createTournament({ name: "listed", format: "knockout" });
    expect(t).toMatchObject({
      status: "scheduled",
      format: "knockout",
      rated: false,
      check_in_seconds: 60,
      max_entrants: 64,
      rounds_planned: null,
      entrants: [],
      standings: [],
    });
    expect(t.match_config.rated).toBe(false);
    const list = await call("GET", "/api/tournaments?status=scheduled&limit=100", { token: null });
    expect(list.status).toBe(200);
    const ids = (list.json.tournaments as { id: string }[]).map((row) => row.id);
    expect(ids).toContain(t.id);
    const got = await call("GET", `/api/tournaments/${t.id}`, { token: null });
    expect(got.status).toBe(200);
    expect(got.json.id).toBe(t.id);
    expect((await call("GET", "/api/tournaments?limit=0")).json.error_code).toBe("INVALID_BODY");
    expect((await call("GET", "/api/tournaments?status=open")).status).toBe(400);
  });

  it("answers an unknown or malformed id with 400 TOURNAMENT_NOT_FOUND", async () => {
    for (const id of [crypto.randomUUID(), "nope", "%00"]) {
      const res = await call("GET", `/api/tournaments/${id}`, { token: null });
      expect(res.status).toBe(400);
      expect(res.json.error_code).toBe("TOURNAMENT_NOT_FOUND");
    }
  });
});

describe("entries", () => {
  it("registers a bot once; a second entry is 409 TOURNAMENT_ALREADY_ENTERED", async () => {
    const t = await createTournament({ name: "e", format: "round_robin" });
    const bot = await newBot();
    const first = await enter(t.id, bot.token);
    expect(first.status).toBe(201);
    expect(first.json).toEqual({
      tournament_id: t.id,
      bot_id: bot.botId,
      status: "registered",
      entrants: 1,
    });
    const again = await enter(t.id, bot.token);
    expect(again.status).toBe(409);
    expect(again.json.error_code).toBe("TOURNAMENT_ALREADY_ENTERED");
    const view = await tournamentStub(t.id).view();
    expect(view?.entrants.map((e) => e.bot_id)).toEqual([bot.botId]);
  });

  it("refuses entries once the start time has passed (409 TOURNAMENT_STARTED)", async () => {
    const t = await createTournament({ name: "late", format: "round_robin" });
    await runInDurableObject(tournamentStub(t.id), (_i, state) => {
      state.storage.sql.exec("UPDATE state SET spec = json_set(spec, '$.starts_at', 0)");
    });
    const res = await enter(t.id, (await newBot()).token);
    expect(res.status).toBe(409);
    expect(res.json.error_code).toBe("TOURNAMENT_STARTED");
  });

  it("refuses an entry over max_entrants (409 TOURNAMENT_FULL)", async () => {
    const t = await createTournament({ name: "full", format: "round_robin", max_entrants: 2 });
    expect((await enter(t.id, (await newBot()).token)).status).toBe(201);
    expect((await enter(t.id, (await newBot()).token)).status).toBe(201);
    const res = await enter(t.id, (await newBot()).token);
    expect(res.status).toBe(409);
    expect(res.json.error_code).toBe("TOURNAMENT_FULL");
  });

  it("refuses a revoked token, the admin credential and garbage with 401", async () => {
    const t = await createTournament({ name: "auth", format: "round_robin" });
    const bot = await newBot();
    await revokeToken(env.DB, bot.tokenId);
    for (const token of [bot.token, "test-admin-token", "cz_extbot_nope", null]) {
      expect((await enter(t.id, token as string)).status).toBe(401);
    }
    expect((await tournamentStub(t.id).view())?.entrants).toEqual([]);
  });

  it("refuses an unknown tournament (400), a system-owned bot (403) and a body with fields", async () => {
    const bot = await newBot();
    const unknown = await enter(crypto.randomUUID(), bot.token);
    expect(unknown.status).toBe(400);
    expect(unknown.json.error_code).toBe("TOURNAMENT_NOT_FOUND");
    const t = await createTournament({ name: "sys", format: "round_robin" });
    const system = await createBot(env.DB, `sys-${crypto.randomUUID().slice(0, 8)}`, "system");
    const token = system ? (await issueToken(env.DB, system.id)).token : "";
    const refused = await enter(t.id, token);
    expect(refused.status).toBe(403);
    expect(refused.json.error_code).toBe("TOURNAMENT_INELIGIBLE");
    const withBody = await call("POST", `/api/external-api/tournaments/${t.id}/entries`, {
      token: bot.token,
      body: { bot_id: bot.botId },
    });
    expect(withBody.json.error_code).toBe("UNKNOWN_FIELD");
  });
});

describe("start", () => {
  it("starts a scheduled tournament now (admin only); entries close; a second start is 409", async () => {
    const t = await createTournament({ name: "s", format: "round_robin" });
    const [a, b, late] = [await newBot(), await newBot(), await newBot()];
    await enter(t.id, a.token);
    await enter(t.id, b.token);
    expect((await call("POST", `/api/tournaments/${t.id}/start`, { token: a.token })).status).toBe(
      401,
    );
    const res = await call("POST", `/api/tournaments/${t.id}/start`);
    expect(res.status).toBe(200);
    expect(Date.parse(res.json.starts_at as string)).toBeLessThanOrEqual(Date.now());
    expect((await enter(t.id, late.token)).json.error_code).toBe("TOURNAMENT_STARTED");
    const view = await settle(t.id, "the start", (v) => v.status === "running");
    expect(view.rounds_planned).toBe(1);
    const again = await call("POST", `/api/tournaments/${t.id}/start`);
    expect(again.status).toBe(409);
    expect(again.json.error_code).toBe("TOURNAMENT_STARTED");
    expect(
      (await call("POST", `/api/tournaments/${crypto.randomUUID()}/start`)).json.error_code,
    ).toBe("TOURNAMENT_NOT_FOUND");
  });
});

describe("cancel", () => {
  it("cancels once (admin only); a second cancel is 409 TOURNAMENT_FINISHED", async () => {
    const t = await createTournament({ name: "c", format: "round_robin" });
    const bot = await newBot();
    expect(
      (await call("POST", `/api/tournaments/${t.id}/cancel`, { token: bot.token })).status,
    ).toBe(401);
    const res = await call("POST", `/api/tournaments/${t.id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: "cancelled", cancel_reason: "cancelled_by_admin" });
    const again = await call("POST", `/api/tournaments/${t.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.json.error_code).toBe("TOURNAMENT_FINISHED");
    expect((await enter(t.id, bot.token)).json.error_code).toBe("TOURNAMENT_STARTED");
  });
});

/** A finished match row, so rating rows can reference it. */
async function matchRow(): Promise<string> {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    "INSERT INTO matches (id, status, source, rated, config, created_at) VALUES (?, 'completed', 'admin', 1, '{}', ?)",
  )
    .bind(id, new Date().toISOString())
    .run();
  return id;
}

describe("ratings", () => {
  it("applies a match once, however often it is retried", async () => {
    const [a, b] = [await newBot(), await newBot()];
    const matchId = await matchRow();
    const match = {
      matchId,
      botIds: [a.botId, b.botId] as const,
      results: ["win", "loss"] as const,
      ratedAt: new Date().toISOString(),
    };
    expect(await applyRatedMatch(env.DB, match)).toBe(true);
    expect(await applyRatedMatch(env.DB, match)).toBe(false);
    const res = await call("GET", `/api/bots/${a.botId}/rating`, { token: null });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ bot_id: a.botId, matches: 1, wins: 1, losses: 0 });
    expect(res.json.mu as number).toBeGreaterThan(25);
    expect(res.json.history).toHaveLength(1);
  });

  it("applies racing matches of the same bot one after the other", async () => {
    const hero = await newBot();
    const rivals = await Promise.all(Array.from({ length: 6 }, () => newBot()));
    const ids = await Promise.all(rivals.map(() => matchRow()));
    await Promise.all(
      rivals.map((rival, i) =>
        applyRatedMatch(env.DB, {
          matchId: ids[i] ?? "",
          botIds: [hero.botId, rival.botId],
          results: ["win", "loss"],
          ratedAt: new Date().toISOString(),
        }),
      ),
    );
    const res = await call("GET", `/api/bots/${hero.botId}/rating?history=100`, { token: null });
    expect(res.json).toMatchObject({ matches: 6, wins: 6 });
    const history = res.json.history as { mu_before: number; mu: number }[];
    expect(history).toHaveLength(6);
    // Each update started from the previous one's result: a chain, no lost update.
    const befores = new Set(history.map((h) => h.mu_before.toFixed(9)));
    const afters = new Set(history.map((h) => h.mu.toFixed(9)));
    expect([...befores].filter((mu) => !afters.has(mu))).toEqual([(25).toFixed(9)]);
  });

  it("serves the leaderboard publicly, ordered and paginated", async () => {
    const first = await call("GET", "/api/leaderboard?limit=2", { token: null });
    expect(first.status).toBe(200);
    const page = first.json as {
      total: number;
      entries: { rank: number; rating: number }[];
      next_offset: number | null;
    };
    expect(page.total).toBeGreaterThanOrEqual(2);
    expect(page.entries.map((e) => e.rank)).toEqual([1, 2]);
    expect(page.entries[0]?.rating).toBeGreaterThanOrEqual(page.entries[1]?.rating ?? 0);
    expect(page.next_offset).toBe(page.total > 2 ? 2 : null);
    const second = await call("GET", "/api/leaderboard?limit=2&offset=2", { token: null });
    expect((second.json.entries as { rank: number }[])[0]?.rank ?? 3).toBe(3);
    for (const bad of ["limit=0", "limit=101", "offset=-1", "page=2"]) {
      expect((await call("GET", `/api/leaderboard?${bad}`)).status).toBe(400);
    }
  });

  it("reads an unrated bot as the initial rating, an unknown one as 400 BOT_NOT_FOUND", async () => {
    const bot = await newBot();
    const res = await call("GET", `/api/bots/${bot.botId}/rating`, { token: null });
    expect(res.json).toMatchObject({ matches: 0, mu: 25, updated_at: null, history: [] });
    const unknown = await call("GET", `/api/bots/${crypto.randomUUID()}/rating`, { token: null });
    expect(unknown.json.error_code).toBe("BOT_NOT_FOUND");
    // The admin bot routes next to it still need the admin credential.
    expect((await call("GET", `/api/bots/${bot.botId}`, { token: null })).status).toBe(401);
  });
});
