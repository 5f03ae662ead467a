// Proves rated pairing in the matchmaking queue inside workerd: the longest waiter is paired
// with the nearest rating within its window (not simply the next in line), the window
// widens with waiting time until anyone will do, and two bots of one owner never meet.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { MATCHMAKING_QUEUE } from "../../src/lobby/matchmaker-object";
import { ratingWindow } from "../../src/lobby/queue";
import { createBot } from "../../src/registry/bots";
import { issueToken } from "../../src/registry/tokens";
import { call, connectLobby, elapseQueue, newBot, quiet, type TestSocket } from "./lobby-helpers";

const JOIN = "/api/external-api/matchmaking/join";
const RETRY_MS = Number(env.MATCHMAKING_RETRY_MS);
const matchmaker = () => env.MATCHMAKER.getByName(MATCHMAKING_QUEUE);

beforeEach(async () => {
  await runInDurableObject(matchmaker(), (_i, state) => {
    for (const table of ["queue", "timed_out", "schedule"]) {
      state.storage.sql.exec(`DELETE FROM ${table}`);
    }
  });
});

/** An online bot with the given rating mean. */
async function ratedBot(mu: number, bot?: Awaited<ReturnType<typeof newBot>>) {
  const made = bot ?? (await newBot());
  await env.DB.prepare(
    `INSERT INTO ratings (bot_id, mu, sigma, rating, matches, wins, losses, draws, updated_at)
     VALUES (?, ?, 2, ?, 10, 5, 5, 0, ?)`,
  )
    .bind(made.botId, mu, mu - 6, new Date().toISOString())
    .run();
  const lobby = (await connectLobby(made)).client;
  return { ...made, lobby };
}

const matchedId = async (lobby: TestSocket) => (await lobby.next("the matched notice")).match_id;

describe("rated pairing", () => {
  it("pairs the longest waiter with the nearest rating in its window, not the next in line", async () => {
    const a = await ratedBot(25);
    const far = await ratedBot(40);
    const near = await ratedBot(26.5);
    expect((await call("POST", JOIN, { token: a.token })).json.status).toBe("queued");
    expect((await call("POST", JOIN, { token: far.token })).json.status).toBe("queued");
    expect((await call("POST", JOIN, { token: near.token })).json.status).toBe("matched");
    expect(await matchedId(a.lobby)).toBe(await matchedId(near.lobby));
    await quiet(200);
    expect(far.lobby.unread).toEqual([]);
    expect(
      (await call("GET", "/api/external-api/matchmaking/status", { token: far.token })).json,
    ).toMatchObject({ status: "queued", position: 1 });
    for (const bot of [a, far, near]) bot.lobby.close();
  });

  it("widens the window with waiting time until the pair fits", async () => {
    expect(ratingWindow(0)).toBe(3);
    expect(ratingWindow(10_000)).toBe(5);
    expect(ratingWindow(60_000)).toBe(Number.POSITIVE_INFINITY);
    const a = await ratedBot(25);
    const b = await ratedBot(33);
    await call("POST", JOIN, { token: a.token });
    expect((await call("POST", JOIN, { token: b.token })).json.status).toBe("queued");
    // After 20 s the window is 3 + 4 = 7 < 8: still apart.
    await elapseQueue(20_000);
    await quiet(200);
    expect(a.lobby.unread).toEqual([]);
    // After 30 s more it is 3 + 10 = 13: paired on the retry.
    await elapseQueue(Math.max(RETRY_MS, 30_000));
    expect(await matchedId(a.lobby)).toBe(await matchedId(b.lobby));
    for (const bot of [a, b]) bot.lobby.close();
  });

  it("never pairs two bots of the same owner, however long they wait", async () => {
    const owner = `owner-${crypto.randomUUID().slice(0, 8)}`;
    const twins = await Promise.all(
      [1, 2].map(async (i) => {
        const bot = await createBot(env.DB, `${owner}-${i}`, owner);
        if (!bot) throw new Error("name taken");
        const issued = await issueToken(env.DB, bot.id);
        return ratedBot(25, { botId: bot.id, token: issued.token, tokenId: issued.token_id });
      }),
    );
    for (const twin of twins) await call("POST", JOIN, { token: twin.token });
    await elapseQueue(120_000);
    await quiet(200);
    for (const twin of twins) expect(twin.lobby.unread).toEqual([]);
    const stranger = await ratedBot(25);
    expect((await call("POST", JOIN, { token: stranger.token })).json.status).toBe("matched");
    expect(await matchedId(stranger.lobby)).toBe(await matchedId(twins[0]?.lobby as TestSocket));
    for (const bot of [...twins, stranger]) bot.lobby.close();
  });
});
