// Proves a dispatch cut short never leaves a registry row without its match object (found by
// `npm run chaos`: a runtime restart between the D1 insert and the object's creation left a
// match `dispatching` for ever, holding a seat of its token's concurrent-match cap): the
// object is created first, a failed creation writes nothing, and a match that ends before
// its rows are written is recorded once they are (the object retries), while an object
// whose rows never came is given up after a while.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { dispatchMatch, onMatchEnded } from "../../src/match/dispatch";
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
});
