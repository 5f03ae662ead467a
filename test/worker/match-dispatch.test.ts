// Proves a dispatch cut short never leaves a registry row without its match object (found by
// `npm run chaos`: a runtime restart between the D1 insert and the object's creation left a
// match `dispatching` for ever, holding a seat of its token's concurrent-match cap): the
// object is created first, a failed creation writes nothing, and a match that ends before
// its rows are written is recorded once they are (the object retries), while an object
// whose rows never came is given up after a while. A batch (`dispatchMatches`, a tournament
// round) answers each request on its own: a refused seat or an unknown bot fails only its
// match and leaves no rows of it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { dispatchMatch, dispatchMatches, onMatchEnded } from "../../src/match/dispatch";
import type { MatchOutcome } from "../../src/match/results";
import type { MatchSpec } from "../../src/match/room";
import { newBot } from "./match-harness";

/** `env` with a MATCH namespace whose `create` runs `around` instead of the real call. */
function envWithCreate(
  around: (spec: MatchSpec, create: () => Promise<unknown>) => Promise<unknown>,
) {
  const MATCH = {
    getByName: (name: string) => {
      const stub = env.MATCH.getByName(name);
      return { create: (spec: MatchSpec) => around(spec, () => stub.create(spec)) };
    },
  } as unknown as Env["MATCH"];
  return { ...env, MATCH };
}

const rowsOf = async (matchId: string) =>
  (
    await env.DB.prepare("SELECT count(*) AS n FROM matches WHERE id = ?").bind(matchId).first<{
      n: number;
    }>()
  )?.n ?? -1;

const seatsOfBot = async (botId: string) =>
  (
    await env.DB.prepare("SELECT count(*) AS n FROM participants WHERE bot_id = ?")
      .bind(botId)
      .first<{ n: number }>()
  )?.n ?? -1;

function outcome(matchId: string, endedAt: number): MatchOutcome {
  return {
    match_id: matchId,
    status: "cancelled",
    ended_at: new Date(endedAt).toISOString(),
    match_end: {
      type: "match_end",
      match_id: matchId,
      reason: "cancelled",
      error_code: "connection_timeout",
    },
    seats: [],
  };
}

describe("dispatch ordering", () => {
  it("creates the match object before writing the registry rows", async () => {
    const [a, b] = [await newBot(), await newBot()];
    let rowsWhileCreating = -1;
    const result = await dispatchMatch(
      envWithCreate(async (spec, create) => {
        rowsWhileCreating = await rowsOf(spec.match_id);
        return create();
      }),
      { seats: [{ bot: a.botId }, { bot: b.botId }], source: "admin" },
    );
    expect(rowsWhileCreating).toBe(0);
    const row = await env.DB.prepare("SELECT status FROM matches WHERE id = ?")
      .bind(result.match_id)
      .first<{ status: string }>();
    expect(row?.status).toBe("live");
  });

  it("writes nothing to the registry when the object cannot be created", async () => {
    const [a, b] = [await newBot(), await newBot()];
    const failing = envWithCreate(async () => {
      throw new Error("object unreachable");
    });
    await expect(
      dispatchMatch(failing, { seats: [{ bot: a.botId }, { bot: b.botId }], source: "admin" }),
    ).rejects.toMatchObject({ status: 503, code: "MATCH_BACKEND_UNAVAILABLE" });
    expect(await seatsOfBot(a.botId)).toBe(0);
    expect(await seatsOfBot(b.botId)).toBe(0);
  });

  it("retries the record of a match whose registry row is not written yet, then gives up on an orphan", async () => {
    const matchId = crypto.randomUUID();
    // Just ended, no row yet: the dispatch may still be writing it, so the object must retry.
    await expect(onMatchEnded(env, outcome(matchId, Date.now()))).rejects.toThrow(
      /not in the registry/,
    );
    // Ended long ago and still no row: the dispatch died before writing it; nothing to record.
    await expect(onMatchEnded(env, outcome(matchId, Date.now() - 10 * 60_000))).resolves.toBe(
      undefined,
    );
    expect(await rowsOf(matchId)).toBe(0);
  });

  it("dispatches a batch with one answer per request, refusals leaving no rows", async () => {
    const [a, b, c, d, e, f] = await Promise.all(Array.from({ length: 6 }, () => newBot()));
    if (!a || !b || !c || !d || !e || !f) throw new Error("bots");
    // f's token is revoked: its seat is refused when the rows are written (429).
    const { results: tokens } = await env.DB.prepare("SELECT id FROM tokens WHERE bot_id = ?")
      .bind(f.botId)
      .all<{ id: string }>();
    const tokenId = tokens[0]?.id ?? "";
    await env.DB.prepare("UPDATE tokens SET revoked_at = ? WHERE id = ?")
      .bind(new Date().toISOString(), tokenId)
      .run();
    let creates = 0;
    const counting = envWithCreate(async (_spec, create) => {
      creates += 1;
      return create();
    });
    const answers = await dispatchMatches(counting, [
      { seats: [{ bot: a.botId }, { bot: b.name }], source: "batch:1" },
      { seats: [{ bot: c.botId }, { bot: "no-such-bot" }], source: "batch:2" },
      { seats: [{ bot: d.botId }, { bot: f.botId, token_id: tokenId }], source: "batch:3" },
      { seats: [{ bot: e.botId }, { bot: c.botId }], source: "batch:4" },
    ]);
    expect(answers.map((x) => (x.ok ? "ok" : x.error.code))).toEqual([
      "ok",
      "BOT_NOT_FOUND",
      "TOKEN_AT_CONCURRENT_MATCH_CAP",
      "ok",
    ]);
    // The unknown bot's match never got an object; the refused one did (and cancels itself).
    expect(creates).toBe(3);
    const { results } = await env.DB.prepare(
      "SELECT source, status FROM matches WHERE source LIKE 'batch:%' ORDER BY source",
    ).all<{ source: string; status: string }>();
    expect(results).toEqual([
      { source: "batch:1", status: "live" },
      { source: "batch:4", status: "live" },
    ]);
    expect(await seatsOfBot(f.botId)).toBe(0);
    const first = answers[0];
    if (!first?.ok) throw new Error("first dispatch failed");
    expect(first.result.seats.map((s) => s.bot_id)).toEqual([a.botId, b.botId]);
    expect(await rowsOf(first.result.match_id)).toBe(1);
  });
});
